// One user-assigned identity per service (topology.json's services), one the KEDA scale rules read
// Service Bus with (never available to the containers: identitySettings lifecycle None), and one
// Event Grid delivers BlobCreated to Service Bus with.
// Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31 (documented API version; not compiled here).

param location string
param namePrefix string

var topology = loadJsonContent('topology.json')

resource serviceIdentities 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = [for s in topology.services: {
  name: 'id-${namePrefix}-${s.name}'
  location: location
}]

resource scalerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-keda'
  location: location
}

resource eventGridIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-eventgrid'
  location: location
}

// One entry per service, in topology order: { name, id, clientId, principalId } (main.bicep turns the
// list into an object by name; a lambda cannot index a resource collection).
output services array = [for (s, i) in topology.services: {
  name: s.name
  id: serviceIdentities[i].id
  clientId: serviceIdentities[i].properties.clientId
  principalId: serviceIdentities[i].properties.principalId
}]

output keda object = {
  id: scalerIdentity.id
  clientId: scalerIdentity.properties.clientId
  principalId: scalerIdentity.properties.principalId
}

output eventGrid object = {
  id: eventGridIdentity.id
  clientId: eventGridIdentity.properties.clientId
  principalId: eventGridIdentity.properties.principalId
}
