// AcrPull on an existing Azure Container Registry (in this resource group) for each service identity,
// so the container apps pull their images with it. Only when main.bicep's containerRegistryName is set.
// Microsoft.ContainerRegistry/registries@2023-07-01 (existing), roleAssignments@2022-04-01
// (documented API versions; not compiled here).

param registryName string
@description('Principal (object) ids that pull images')
param pullerPrincipalIds array

var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pullers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in pullerPrincipalIds: {
  scope: registry
  name: guid(registry.id, principalId, acrPull)
  properties: {
    roleDefinitionId: acrPull
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

output loginServer string = registry.properties.loginServer
