// ADLS Gen2 account (hierarchical namespace) with fhirpipe's containers (topology.json's containers:
// shared-model's io.fhirpipe.model.storage.Containers.ALL), and its data-plane roles:
//   Storage Blob Data Contributor on the account for each service (landing, chunks, rejected, curated,
//     state: every service reads or writes several of them);
//   Storage Blob Data Reader on chunks/ and Contributor on curated/ for the Synapse workspace identity
//     (COPY INTO reads chunks; serverless CETAS writes Parquet under curated/), when given;
//   Storage Blob Data Contributor on the account for the FHIR service's identity, when given (Azure's
//     $export with _container writes the files into this account itself).
// Microsoft.Storage/*@2023-05-01, Microsoft.Authorization/roleAssignments@2022-04-01
// (documented API versions; not compiled here).

param location string
param name string
@description('{ "<service>": { id, clientId, principalId } } from identities.bicep')
param identities object
@description('Principal (object) id of the Synapse workspace system identity; empty: no role.')
param warehousePrincipalId string = ''
@description('Principal (object) id of the FHIR service identity that writes $export output here; empty: no role.')
param fhirServicePrincipalId string = ''

var topology = loadJsonContent('topology.json')
var blobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
var blobDataReader = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    isHnsEnabled: true
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    // Entra ID only: the services, Synapse and Event Grid all use identities.
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in topology.containers: {
  parent: blobService
  name: c
  properties: {
    publicAccess: 'None'
  }
}]

resource serviceRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for s in topology.services: {
  scope: account
  name: guid(account.id, identities[s.name].principalId, blobDataContributor)
  properties: {
    roleDefinitionId: blobDataContributor
    principalId: identities[s.name].principalId
    principalType: 'ServicePrincipal'
  }
}]

resource chunks 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'chunks'
}

resource curated 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'curated'
}

resource warehouseReadsChunks 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(warehousePrincipalId)) {
  scope: chunks
  name: guid(account.id, 'chunks', warehousePrincipalId, blobDataReader)
  properties: {
    roleDefinitionId: blobDataReader
    principalId: warehousePrincipalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    containers
  ]
}

resource warehouseWritesCurated 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(warehousePrincipalId)) {
  scope: curated
  name: guid(account.id, 'curated', warehousePrincipalId, blobDataContributor)
  properties: {
    roleDefinitionId: blobDataContributor
    principalId: warehousePrincipalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    containers
  ]
}

resource fhirServiceWritesExports 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(fhirServicePrincipalId)) {
  scope: account
  name: guid(account.id, fhirServicePrincipalId, blobDataContributor)
  properties: {
    roleDefinitionId: blobDataContributor
    principalId: fhirServicePrincipalId
    principalType: 'ServicePrincipal'
  }
}

output accountName string = account.name
output accountId string = account.id
// Without the trailing slash: the services append /<container>/<blob>.
output blobEndpoint string = 'https://${account.name}.blob.${environment().suffixes.storage}'
