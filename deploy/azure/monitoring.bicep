// Log Analytics workspace for the Container Apps environment's console and system logs.
// Microsoft.OperationalInsights/workspaces@2023-09-01 (documented API version; not compiled here).

param location string
param name string
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

output workspaceName string = workspace.name
output workspaceId string = workspace.id
