// Service Bus: every topic, subscription (with its one SQL rule) and dead-letter queue of
// topology.json, which io.fhirpipe.model.topology.BicepTopology generates from Topology.standard();
// no entity name is written here. Then the data-plane roles, each on the one entity it is for:
//   Azure Service Bus Data Sender   on each topic a service sends to (its own events, and the topic it
//                                   receives from, where the connector schedules its retry copies);
//   Azure Service Bus Data Receiver on each subscription a service receives from;
//   Azure Service Bus Data Owner    on each consumed subscription for the KEDA scaler identity (KEDA
//                                   reads the subscription's runtime properties through the management
//                                   endpoint, which takes the Manage claim); no container can use it;
//   Azure Service Bus Data Sender   on blob-created for the Event Grid delivery identity;
//   for the service that serves the dead-letter API (export-trigger: GET /dead-letters, peek, replay,
//   purge): Data Receiver on every <topic>.dead-letter queue and every subscription (a subscription's
//   own dead-letter queue has no scope of its own), Data Sender on every topic with subscriptions
//   (a replay goes back to its topic), each only where its own roles above do not already give it.
// Microsoft.ServiceBus/*@2024-01-01 and Microsoft.Authorization/roleAssignments@2022-04-01
// (documented API versions; not compiled here: no Bicep CLI).

param location string
param name string
@description('Standard is the smallest tier with topics and duplicate detection.')
@allowed([
  'Standard'
  'Premium'
])
param sku string = 'Standard'
@description('{ "<service>": { id, clientId, principalId } } from identities.bicep')
param identities object
@description('{ id, clientId, principalId } of the KEDA scaler identity')
param scalerIdentity object
@description('{ id, clientId, principalId } of the Event Grid delivery identity')
param eventGridIdentity object
@description('The service (a key of identities) that serves the dead-letter API')
param deadLetterOperator string

var topology = loadJsonContent('topology.json')

// Built-in role definitions (ids from Microsoft's "Azure built-in roles").
var dataSender = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
var dataReceiver = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
var dataOwner = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '090c5cfd-751d-490a-894a-3ce6f1109419')

// What the dead-letter operator holds already as a service: a second assignment of the same role on
// the same scope would be refused.
var operatorReceives = map(filter(topology.receiverAssignments, a => a.service == deadLetterOperator), a => '${a.topic}/${a.subscription}')
var operatorSends = map(filter(topology.senderAssignments, a => a.service == deadLetterOperator), a => a.topic)
var consumedTopics = map(topology.subscriptions, s => s.topic)

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    // Identities only: no keys to leak or rotate.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [for t in topology.topics: {
  parent: namespace
  name: t.name
  properties: t.properties
}]

// <topic>.dead-letter: each subscription forwards what the broker dead-letters here, as on the emulator.
resource deadLetterQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for q in topology.deadLetterQueues: {
  parent: namespace
  name: q.name
  properties: q.properties
}]

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for s in topology.subscriptions: {
  name: '${namespace.name}/${s.topic}/${s.name}'
  properties: s.properties
  dependsOn: [
    topics
    deadLetterQueues
  ]
}]

// The rule is named $Default: it replaces the true filter ARM gives a new subscription (rules are
// OR-ed, so a second rule beside it would filter nothing). It lets a retry copy (application property
// fhirpipe-retry-for) through only to the subscription it names, narrowed by the subscription's own
// filter (a loader group's resourceType IN (...)) where the topology has one.
resource rules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for (s, i) in topology.subscriptions: {
  name: '${namespace.name}/${s.topic}/${s.name}/${s.rule.name}'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: s.rule.sqlExpression
    }
  }
  dependsOn: [
    subscriptions[i]
  ]
}]

// --- roles ---

resource senderScopes 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [for a in topology.senderAssignments: {
  parent: namespace
  name: a.topic
}]

resource senderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (a, i) in topology.senderAssignments: {
  scope: senderScopes[i]
  name: guid(namespace.id, a.topic, identities[a.service].principalId, dataSender)
  properties: {
    roleDefinitionId: dataSender
    principalId: identities[a.service].principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    topics
  ]
}]

resource receiverScopes 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = [for a in topology.receiverAssignments: {
  name: '${namespace.name}/${a.topic}/${a.subscription}'
}]

resource receiverRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (a, i) in topology.receiverAssignments: {
  scope: receiverScopes[i]
  name: guid(namespace.id, a.topic, a.subscription, identities[a.service].principalId, dataReceiver)
  properties: {
    roleDefinitionId: dataReceiver
    principalId: identities[a.service].principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    subscriptions
  ]
}]

resource scalerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (a, i) in topology.receiverAssignments: {
  scope: receiverScopes[i]
  name: guid(namespace.id, a.topic, a.subscription, scalerIdentity.principalId, dataOwner)
  properties: {
    roleDefinitionId: dataOwner
    principalId: scalerIdentity.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    subscriptions
  ]
}]

// --- the dead-letter API (export-trigger's /dead-letters) ---

resource operatorReadsForwardQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in topology.deadLetterQueues: {
  scope: deadLetterQueues[i]
  name: guid(namespace.id, q.name, identities[deadLetterOperator].principalId, dataReceiver)
  properties: {
    roleDefinitionId: dataReceiver
    principalId: identities[deadLetterOperator].principalId
    principalType: 'ServicePrincipal'
  }
}]

resource operatorReadsSubscriptionDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (s, i) in topology.subscriptions: if (!contains(operatorReceives, '${s.topic}/${s.name}')) {
  scope: subscriptions[i]
  name: guid(namespace.id, s.topic, s.name, identities[deadLetterOperator].principalId, dataReceiver)
  properties: {
    roleDefinitionId: dataReceiver
    principalId: identities[deadLetterOperator].principalId
    principalType: 'ServicePrincipal'
  }
}]

resource operatorReplays 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (t, i) in topology.topics: if (contains(consumedTopics, t.name) && !contains(operatorSends, t.name)) {
  scope: topics[i]
  name: guid(namespace.id, t.name, identities[deadLetterOperator].principalId, dataSender)
  properties: {
    roleDefinitionId: dataSender
    principalId: identities[deadLetterOperator].principalId
    principalType: 'ServicePrincipal'
  }
}]

resource blobCreatedTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  parent: namespace
  name: topology.eventGrid.topic
}

resource eventGridSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: blobCreatedTopic
  name: guid(namespace.id, topology.eventGrid.topic, eventGridIdentity.principalId, dataSender)
  properties: {
    roleDefinitionId: dataSender
    principalId: eventGridIdentity.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    topics
  ]
}

output namespaceName string = namespace.name
output hostName string = '${namespace.name}.servicebus.windows.net'
output blobCreatedTopicId string = blobCreatedTopic.id
