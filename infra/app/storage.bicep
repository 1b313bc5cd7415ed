// The one storage account: photographs in, results out, poison records, models, Functions host state and the
// Flex Consumption deployment package. Keyless: shared-key access is off, so every caller uses Entra ID + RBAC.
param location string
param tags object
param name string
param skuName string
@description('Blob containers to create (none is public).')
param containerNames string[]
param incomingContainerName string
@description('Days after which incoming photographs are deleted; 0 = keep.')
param incomingRetentionDays int
@description('Days after which previous blob versions are deleted.')
param versionRetentionDays int
param softDeleteRetentionDays int
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: softDeleteRetentionDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteRetentionDays }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: { publicAccess: 'None' }
  }
]

// Versioning keeps every overwrite, so old versions (host locks, rewritten results) expire after a while; the
// incoming photographs themselves expire only when a retention is chosen.
var versionRule = {
  name: 'expire-old-versions'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: { blobTypes: ['blockBlob'] }
    actions: { version: { delete: { daysAfterCreationGreaterThan: versionRetentionDays } } }
  }
}
var incomingRule = {
  name: 'expire-incoming-photographs'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: { blobTypes: ['blockBlob'], prefixMatch: ['${incomingContainerName}/'] }
    actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: incomingRetentionDays } } }
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: { rules: incomingRetentionDays > 0 ? [versionRule, incomingRule] : [versionRule] }
  }
  dependsOn: [containers]
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
