// The Container Apps environment (logs to Log Analytics) and the four services (app.bicep), one per
// entry of topology.json's services. What differs per service is serviceEnv below; the variables are
// the ones the services read (their application.properties / application-servicebus.properties and
// the config mappings behind them). test-support's BicepDeploymentTest checks both lists.
// Microsoft.App/managedEnvironments@2024-03-01 (documented API version; not compiled here).

param location string
param namePrefix string
param logAnalyticsWorkspaceName string
@description('{ "<service>": image } for every service in topology.json')
param images object
@description('{ "<service>": n }: the most replicas KEDA may start per service')
param maxReplicas object
@description('{ "<service>": { id, clientId, principalId } } from identities.bicep')
param identities object
param scalerIdentityId string
param serviceBusNamespaceName string
param serviceBusHostName string
param storageBlobEndpoint string
param containerRegistryServer string = ''
param triggerIngressExternal bool = false

// FHIR server (export-trigger kicks off and cancels, export-poller polls and downloads)
param fhirBaseUrl string
@allowed([
  'none'
  'entra'
])
param fhirAuthType string
param fhirDeletes string = 'manifest'

// Admin API (README, Admin security): Entra ID bearer tokens with the operator or reader app role,
// issued for this app registration in this tenant.
param entraTenantId string
param adminApiClientId string

// Warehouse (synapse-loader)
param loaderDialect string
param loaderJdbcUrl string
param loaderSqlAuth string
param loaderSqlUser string = ''
param loaderStorageCredential string
param loaderSqlPasswordUri string = ''
param loaderSasTokenUri string = ''

var topology = loadJsonContent('topology.json')

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${namePrefix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

var fhirEnv = [
  {
    name: 'FHIRPIPE_FHIR_BASE_URL'
    value: fhirBaseUrl
  }
  {
    name: 'FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE'
    value: fhirAuthType
  }
  {
    // Azure Health Data Services: the token audience is the FHIR service URL.
    name: 'FHIRPIPE_SERVERS_LOCAL_AUTH_SCOPE'
    value: fhirAuthType == 'entra' ? '${fhirBaseUrl}/.default' : ''
  }
]

// The services whose admin endpoints require Entra ID in the servicebus profile.
var adminEnv = [
  {
    name: 'FHIRPIPE_ENTRA_TENANT_ID'
    value: entraTenantId
  }
  {
    name: 'FHIRPIPE_ENTRA_CLIENT_ID'
    value: adminApiClientId
  }
]

var serviceEnv = {
  'export-trigger': concat(fhirEnv, adminEnv, [
    {
      name: 'FHIRPIPE_SERVERS_LOCAL_AUTH_MANAGED_IDENTITY_CLIENT_ID'
      value: identities['export-trigger'].clientId
    }
  ])
  'export-poller': concat(fhirEnv, [
    {
      name: 'FHIRPIPE_SERVERS_LOCAL_AUTH_MANAGED_IDENTITY_CLIENT_ID'
      value: identities['export-poller'].clientId
    }
    {
      // Event Grid publishes BlobCreated (eventgrid.bicep): fhirpipe.transfer.publish-blob-created=false.
      name: 'FHIRPIPE_PUBLISH_BLOB_CREATED'
      value: 'false'
    }
    {
      name: 'FHIRPIPE_FHIR_DELETES'
      value: fhirDeletes
    }
  ])
  'ndjson-splitter': []
  'synapse-loader': concat(adminEnv, [
    {
      name: 'FHIRPIPE_LOADER_DIALECT'
      value: loaderDialect
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_JDBC_URL'
      value: loaderJdbcUrl
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_AUTH'
      value: loaderSqlAuth
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_MANAGED_IDENTITY_CLIENT_ID'
      value: identities['synapse-loader'].clientId
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_STORAGE_ACCOUNT_URL'
      value: storageBlobEndpoint
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_STORAGE_CREDENTIAL'
      value: loaderStorageCredential
    }
  ], loaderSqlAuth == 'sql' ? [
    {
      name: 'FHIRPIPE_LOADER_SQL_USER'
      value: loaderSqlUser
    }
    {
      name: 'FHIRPIPE_LOADER_SQL_PASSWORD'
      secretRef: 'loader-sql-password'
    }
  ] : [], loaderStorageCredential == 'sas' ? [
    {
      name: 'FHIRPIPE_LOADER_SQL_SAS_TOKEN'
      secretRef: 'loader-sas-token'
    }
  ] : [])
}

// Key Vault references, resolved by Container Apps with the loader's identity (Key Vault Secrets User).
var serviceSecrets = {
  'export-trigger': []
  'export-poller': []
  'ndjson-splitter': []
  'synapse-loader': concat(empty(loaderSqlPasswordUri) ? [] : [
    {
      name: 'loader-sql-password'
      keyVaultUrl: loaderSqlPasswordUri
      identity: identities['synapse-loader'].id
    }
  ], empty(loaderSasTokenUri) ? [] : [
    {
      name: 'loader-sas-token'
      keyVaultUrl: loaderSasTokenUri
      identity: identities['synapse-loader'].id
    }
  ])
}

module apps 'app.bicep' = [for s in topology.services: {
  name: 'app-${s.name}'
  params: {
    location: location
    name: '${namePrefix}-${s.name}'
    service: s.name
    image: images[s.name]
    port: s.port
    minReplicas: s.minReplicas
    maxReplicas: maxReplicas[s.name]
    environmentId: environment.id
    identity: identities[s.name]
    scalerIdentityId: scalerIdentityId
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusHostName: serviceBusHostName
    storageBlobEndpoint: storageBlobEndpoint
    receives: s.receives
    serviceEnv: serviceEnv[s.name]
    secrets: serviceSecrets[s.name]
    // Only the trigger serves requests (its REST API); the others only consume.
    ingress: s.name == 'export-trigger'
    ingressExternal: s.name == 'export-trigger' && triggerIngressExternal
    containerRegistryServer: containerRegistryServer
  }
}]

output environmentName string = environment.name
output appNames array = [for (s, i) in topology.services: apps[i].outputs.name]
