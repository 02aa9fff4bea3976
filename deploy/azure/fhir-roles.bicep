// FHIR Data Exporter on an Azure Health Data Services FHIR service (in its own resource group) for the
// identities that kick off, poll and cancel $export (export-trigger, export-poller). Deployed by
// main.bicep at the FHIR service's resource group scope, only when fhirServiceResourceId is given.
// Microsoft.HealthcareApis/workspaces/fhirservices@2023-11-01 (existing),
// Microsoft.Authorization/roleAssignments@2022-04-01 (documented API versions; not compiled here).

@description('<workspace>/<fhir service>')
param fhirServiceName string
@description('Principal (object) ids that may export')
param exporterPrincipalIds array

var fhirDataExporter = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3db33094-8700-4567-8da5-1501d4e7e843')

resource fhirService 'Microsoft.HealthcareApis/workspaces/fhirservices@2023-11-01' existing = {
  name: fhirServiceName
}

resource exporters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in exporterPrincipalIds: {
  scope: fhirService
  name: guid(fhirService.id, principalId, fhirDataExporter)
  properties: {
    roleDefinitionId: fhirDataExporter
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]
