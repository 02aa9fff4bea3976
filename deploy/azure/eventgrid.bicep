// Event Grid system topic on the storage account, and a subscription that sends
// Microsoft.Storage.BlobCreated under landing/ for finished files only (data.api one of the writes in
// topology.json's eventGrid.apis) to the Service Bus topic blob-created, delivered with the Event Grid
// user-assigned identity (Azure Service Bus Data Sender on that topic, servicebus.bicep). Event Grid
// schema: ndjson-splitter reads Event Grid and CloudEvents schema alike.
// Microsoft.EventGrid/systemTopics@2022-06-15 and systemTopics/eventSubscriptions@2022-06-15
// (documented API versions; not compiled here).

param location string
param name string
param storageAccountId string
param serviceBusTopicId string
@description('{ id, clientId, principalId } of the Event Grid delivery identity')
param eventGridIdentity object

var topology = loadJsonContent('topology.json')

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${eventGridIdentity.id}': {}
    }
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource toBlobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: systemTopic
  name: 'landing-to-${topology.eventGrid.topic}'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    deliveryWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: eventGridIdentity.id
      }
      destination: {
        endpointType: 'ServiceBusTopic'
        properties: {
          resourceId: serviceBusTopicId
        }
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: topology.eventGrid.subjectBeginsWith
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: topology.eventGrid.apis
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicName string = systemTopic.name
