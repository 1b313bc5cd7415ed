// The virtual network that keeps the GPU inference service private: the Container Apps environment is internal
// (no public IP) and the function app reaches it through VNet integration. Storage private endpoints are optional.
param location string
param tags object
param name string
param addressPrefix string = '10.60.0.0/16'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        // Workload-profile environments need a delegated subnet of at least /27; serverless GPUs take one IP per replica.
        name: 'container-apps'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 23, 0)
          delegations: [{ name: 'aca', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        // Flex Consumption VNet integration also uses the Microsoft.App/environments delegation.
        name: 'functions'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 2)
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 3)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output containerAppsSubnetId string = vnet.properties.subnets[0].id
output functionsSubnetId string = vnet.properties.subnets[1].id
output privateEndpointSubnetId string = vnet.properties.subnets[2].id
