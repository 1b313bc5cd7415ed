// Optional private endpoints for the storage account (blob for data and the Functions host, queue for the blob
// trigger's poison messages), with their private DNS zones linked to the virtual network.
param location string
param tags object
param storageAccountName string
param virtualNetworkId string
param subnetId string

var groupIds = ['blob', 'queue']

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for groupId in groupIds: {
    name: 'privatelink.${groupId}.${environment().suffixes.storage}'
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (groupId, i) in groupIds: {
    parent: zones[i]
    name: 'vnet-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: virtualNetworkId }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for groupId in groupIds: {
    name: 'pe-${storageAccountName}-${groupId}'
    location: location
    tags: tags
    properties: {
      subnet: { id: subnetId }
      privateLinkServiceConnections: [
        {
          name: groupId
          properties: { privateLinkServiceId: account.id, groupIds: [groupId] }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (groupId, i) in groupIds: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [{ name: groupId, properties: { privateDnsZoneId: zones[i].id } }]
    }
  }
]
