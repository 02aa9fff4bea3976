// fhirpipe on Azure Container Apps, in one resource group:
//   Log Analytics (monitoring.bicep); one user-assigned identity per service, one for the KEDA scale
//   rules and one for Event Grid (identities.bicep); Service Bus with every topic, subscription, rule
//   and dead-letter queue of topology.json and the per-entity data roles (servicebus.bicep); an ADLS
//   Gen2 account with fhirpipe's containers and blob roles (storage.bicep); the Event Grid system topic
//   on it sending finished BlobCreated under landing/ to blob-created (eventgrid.bicep); Key Vault for
//   what cannot use an identity (keyvault.bicep); FHIR Data Exporter on an existing Azure Health Data
//   Services FHIR service (fhir-roles.bicep); AcrPull on an existing registry (registry-roles.bicep);
//   the Container Apps environment and the four apps, scaled by KEDA on their subscriptions
//   (containerapps.bicep, app.bicep), unless deployContainerApps=false (the services run on AKS,
//   deploy/aks, with these identities federated to their service accounts).
// topology.json is generated from shared-model's Topology.standard() by
// io.fhirpipe.model.topology.BicepTopology; never edit it by hand.
// Written against Microsoft's documented resource types and API versions; the Bicep CLI could not be
// installed where this was written, so it has never been compiled or deployed: run `az bicep build -f
// deploy/azure/main.bicep` (and `az deployment group what-if`) before the first deployment.

targetScope = 'resourceGroup'

param location string = resourceGroup().location
@description('Prefix of every resource name (lowercase letters and digits)')
@minLength(3)
@maxLength(10)
param namePrefix string = 'fhirpipe'

@description('false: everything but the Container Apps environment and apps, for running the services on AKS (deploy/aks)')
param deployContainerApps bool = true
@description('Images, e.g. myregistry.azurecr.io/fhirpipe/export-trigger:1.0 (built from each service\'s src/main/docker/Dockerfile.jvm); only with deployContainerApps')
param exportTriggerImage string = ''
param exportPollerImage string = ''
param ndjsonSplitterImage string = ''
param synapseLoaderImage string = ''
@description('An Azure Container Registry in this resource group the images are pulled from with the service identities; empty: public images')
param containerRegistryName string = ''
@description('Most replicas per service; the trigger keeps one (it owns the REST API, the schedules and the tracker)')
param maxReplicas object = {
  'export-trigger': 1
  'export-poller': 3
  'ndjson-splitter': 3
  'synapse-loader': 2
}

@description('The FHIR server\'s base URL, e.g. https://<workspace>-<fhir>.fhir.azurehealthcareapis.com')
param fhirBaseUrl string
@description('Resource id of an Azure Health Data Services FHIR service (…/Microsoft.HealthcareApis/workspaces/<ws>/fhirservices/<fhir>): the trigger and poller get FHIR Data Exporter on it and authenticate with Entra ID. Empty: a server without auth.')
param fhirServiceResourceId string = ''
@description('Principal (object) id of that FHIR service\'s managed identity, when its $export writes into this storage account (_container); empty: no role')
param fhirServicePrincipalId string = ''
@description('Where the poller learns deletions: manifest (deleted[]), history (system _history) or none')
param fhirDeletes string = 'manifest'

@allowed([
  'synapse-dedicated'
  'synapse-serverless'
  'fabric-warehouse'
])
param loaderDialect string = 'synapse-dedicated'
@description('jdbc:sqlserver://<workspace>.sql.azuresynapse.net:1433;databaseName=<pool>;encrypt=true (serverless: <workspace>-ondemand…; Fabric: the warehouse\'s SQL endpoint); no credentials in it')
param loaderJdbcUrl string
@allowed([
  'entra'
  'sql'
])
param loaderSqlAuth string = 'entra'
param loaderSqlUser string = ''
@secure()
@description('Only with loaderSqlAuth=sql; stored in Key Vault')
param loaderSqlPassword string = ''
@allowed([
  ''
  'managed-identity'
  'sas'
  'caller-identity'
])
@description('How the warehouse reads storage; empty: caller-identity for Fabric, managed-identity (the workspace identity) otherwise')
param loaderStorageCredential string = ''
@secure()
@description('Only with loaderStorageCredential=sas; stored in Key Vault')
param loaderSasToken string = ''
@description('Principal (object) id of the Synapse workspace\'s managed identity: Reader on chunks/, Contributor on curated/; empty: no role')
param warehousePrincipalId string = ''

@description('Client id of the Entra ID app registration that protects the services\' admin API (README, Admin security: app roles fhirpipe.operator and fhirpipe.reader, v2.0 access tokens); only with deployContainerApps')
param adminApiClientId string = ''
@description('Tenant of that app registration')
param entraTenantId string = subscription().tenantId

@description('Expose the trigger\'s REST API outside the environment (put authentication in front first)')
param triggerIngressExternal bool = false

var topology = loadJsonContent('topology.json')
var suffix = uniqueString(resourceGroup().id)
var storageCredential = !empty(loaderStorageCredential) ? loaderStorageCredential : (loaderDialect == 'fabric-warehouse' ? 'caller-identity' : 'managed-identity')
var images = {
  'export-trigger': exportTriggerImage
  'export-poller': exportPollerImage
  'ndjson-splitter': ndjsonSplitterImage
  'synapse-loader': synapseLoaderImage
}
// …/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.HealthcareApis/workspaces/<ws>/fhirservices/<fhir>;
// a harmless stand-in when there is none (the module is not deployed then, but its scope is still evaluated).
var fhirIdSegments = empty(fhirServiceResourceId) ? [
  ''
  'subscriptions'
  subscription().subscriptionId
  'resourceGroups'
  resourceGroup().name
  'providers'
  'Microsoft.HealthcareApis'
  'workspaces'
  'none'
  'fhirservices'
  'none'
] : split(fhirServiceResourceId, '/')

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    name: 'log-${namePrefix}-${suffix}'
  }
}

module identities 'identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    namePrefix: namePrefix
  }
}

var serviceIdentities = toObject(identities.outputs.services, i => i.name)

module serviceBus 'servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    name: 'sb-${namePrefix}-${suffix}'
    identities: serviceIdentities
    scalerIdentity: identities.outputs.keda
    eventGridIdentity: identities.outputs.eventGrid
    // The trigger serves the dead-letter API (list, peek, replay, purge) beside its other REST endpoints.
    deadLetterOperator: 'export-trigger'
  }
}

module storage 'storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('st${namePrefix}${suffix}', 24)
    identities: serviceIdentities
    warehousePrincipalId: warehousePrincipalId
    fhirServicePrincipalId: fhirServicePrincipalId
  }
}

module eventGrid 'eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    location: location
    name: 'egst-${namePrefix}-${suffix}'
    storageAccountId: storage.outputs.accountId
    serviceBusTopicId: serviceBus.outputs.blobCreatedTopicId
    eventGridIdentity: identities.outputs.eventGrid
  }
}

module keyVault 'keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('kv-${namePrefix}-${suffix}', 24)
    readerIdentity: serviceIdentities['synapse-loader']
    loaderSqlPassword: loaderSqlPassword
    loaderSasToken: loaderSasToken
  }
}

module fhirRoles 'fhir-roles.bicep' = if (!empty(fhirServiceResourceId)) {
  name: 'fhir-roles'
  scope: resourceGroup(fhirIdSegments[2], fhirIdSegments[4])
  params: {
    fhirServiceName: '${fhirIdSegments[8]}/${fhirIdSegments[10]}'
    exporterPrincipalIds: [
      serviceIdentities['export-trigger'].principalId
      serviceIdentities['export-poller'].principalId
    ]
  }
}

module registryRoles 'registry-roles.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-roles'
  params: {
    registryName: containerRegistryName
    pullerPrincipalIds: [for s in topology.services: serviceIdentities[s.name].principalId]
  }
}

module containerApps 'containerapps.bicep' = if (deployContainerApps) {
  name: 'containerapps'
  params: {
    location: location
    namePrefix: namePrefix
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    images: images
    maxReplicas: maxReplicas
    identities: serviceIdentities
    scalerIdentityId: identities.outputs.keda.id
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    serviceBusHostName: serviceBus.outputs.hostName
    storageBlobEndpoint: storage.outputs.blobEndpoint
    containerRegistryServer: empty(containerRegistryName) ? '' : '${containerRegistryName}${environment().suffixes.acrLoginServer}'
    triggerIngressExternal: triggerIngressExternal
    entraTenantId: entraTenantId
    adminApiClientId: adminApiClientId
    fhirBaseUrl: fhirBaseUrl
    fhirAuthType: empty(fhirServiceResourceId) ? 'none' : 'entra'
    fhirDeletes: fhirDeletes
    loaderDialect: loaderDialect
    loaderJdbcUrl: loaderJdbcUrl
    loaderSqlAuth: loaderSqlAuth
    loaderSqlUser: loaderSqlUser
    loaderStorageCredential: storageCredential
    loaderSqlPasswordUri: keyVault.outputs.loaderSqlPasswordUri
    loaderSasTokenUri: keyVault.outputs.loaderSasTokenUri
  }
  // The apps start receiving at once: their roles must exist first.
  dependsOn: [
    serviceBus
    storage
    eventGrid
    fhirRoles
    registryRoles
  ]
}

output serviceBusNamespace string = serviceBus.outputs.hostName
output storageAccount string = storage.outputs.accountName
output keyVault string = keyVault.outputs.vaultName
output containerApps array = deployContainerApps ? containerApps.outputs.appNames : []
output identities object = serviceIdentities
// AKS: federate these with the service accounts (deploy/README.md, "AKS").
output kedaIdentity object = identities.outputs.keda
