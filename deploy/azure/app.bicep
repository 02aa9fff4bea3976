// One fhirpipe service as a container app: its own user-assigned identity (Service Bus, storage, FHIR,
// SQL, Key Vault references, registry pull), the KEDA scaler identity for the scale rules only
// (identitySettings lifecycle None: no container can get a token for it), the Quarkus profile
// "servicebus", health probes on /q/health/live and /q/health/ready, and one azure-servicebus scale
// rule per subscription the service receives from (topology.json), authenticated with that identity.
// Microsoft.App/containerApps@2024-10-02-preview: scale rules' "identity" and "identitySettings" are
// documented from 2024-02-02-preview on (not compiled here: no Bicep CLI).

param location string
param name string
@description('The service, as named in topology.json (export-trigger, export-poller, ndjson-splitter, synapse-loader)')
param service string
param image string
param port int
param minReplicas int
param maxReplicas int
param environmentId string
@description('{ id, clientId, principalId } of the service identity')
param identity object
@description('Resource id of the KEDA scaler identity')
param scalerIdentityId string
param serviceBusNamespaceName string
param serviceBusHostName string
param storageBlobEndpoint string
@description('[ { topic, subscription } ] this service receives from')
param receives array
@description('Environment variables of this service only (containerapps.bicep serviceEnv)')
param serviceEnv array
@description('Container Apps secrets (Key Vault references) the service env refers to')
param secrets array = []
@description('External HTTPS ingress on the service port; false: none (internal ingress when ingress is true)')
param ingress bool = false
param ingressExternal bool = false
param containerRegistryServer string = ''
@description('Active messages per replica KEDA aims at')
param messagesPerReplica int = 5

// Container size, one for every service (README, Performance / Memory): the image's JVM options
// (src/main/docker/Dockerfile.jvm: a fixed heap, MALLOC_ARENA_MAX=2) keep a service under 300 MB
// resident; 0.5Gi is the smallest size of the consumption plan, whose memory is twice the vCPUs. On
// Azure the loader loads into a T-SQL warehouse: no DuckDB in its container. Workers scale out by
// replicas (the scale rules below), not by size. BicepDeploymentTest checks it against the local stack.
var containerSize = {
  cpu: '0.25'
  memory: '0.5Gi'
}

// Every service: Service Bus and storage through its identity (DefaultAzureCredential picks it by client id).
var baseEnv = [
  {
    name: 'QUARKUS_PROFILE'
    value: 'servicebus'
  }
  {
    name: 'FHIRPIPE_SERVICEBUS_NAMESPACE'
    value: serviceBusHostName
  }
  {
    name: 'FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID'
    value: identity.clientId
  }
  {
    name: 'FHIRPIPE_STORAGE_ACCOUNT_URL'
    value: storageBlobEndpoint
  }
  {
    name: 'FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID'
    value: identity.clientId
  }
  {
    // The deployment made the containers (storage.bicep); the identity may not create any.
    name: 'FHIRPIPE_STORAGE_CREATE_CONTAINERS'
    value: 'false'
  }
  {
    // Two identities are attached; DefaultAzureCredential must not guess.
    name: 'AZURE_CLIENT_ID'
    value: identity.clientId
  }
]

resource app 'Microsoft.App/containerApps@2024-10-02-preview' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
      '${scalerIdentityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      identitySettings: [
        {
          identity: scalerIdentityId
          lifecycle: 'None'
        }
        {
          identity: identity.id
          lifecycle: 'Main'
        }
      ]
      ingress: ingress ? {
        external: ingressExternal
        targetPort: port
        transport: 'http'
        allowInsecure: false
      } : null
      secrets: secrets
      registries: empty(containerRegistryServer) ? [] : [
        {
          server: containerRegistryServer
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: service
          image: image
          env: concat(baseEnv, serviceEnv)
          resources: {
            cpu: json(containerSize.cpu)
            memory: containerSize.memory
          }
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/q/health/started'
                port: port
              }
              periodSeconds: 5
              failureThreshold: 60
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/q/health/live'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/q/health/ready'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [for r in receives: {
          name: toLower('${r.topic}-${r.subscription}')
          custom: {
            type: 'azure-servicebus'
            identity: scalerIdentityId
            metadata: {
              namespace: serviceBusNamespaceName
              topicName: r.topic
              subscriptionName: r.subscription
              messageCount: string(messagesPerReplica)
            }
          }
        }]
      }
    }
  }
}

output name string = app.name
output fqdn string = ingress ? app.properties.configuration.ingress.fqdn : ''
