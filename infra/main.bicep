// drgrade on Azure: storage, Flex Consumption function app, Event Grid, serverless GPU inference on Container Apps.
// Research use only: not for clinical diagnosis. Keyless (managed identities + RBAC), private by default.
// docs/deploy.md explains every choice; test/infra checks this text against the code's settings.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds the resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. It must offer serverless GPUs and Flex Consumption (see docs/deploy.md).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person running azd (AZURE_PRINCIPAL_ID); gets upload rights on the models container and read on the inference key. Empty = none.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
@description('Kind of principalId.')
param principalType string = 'User'

@secure()
@description('Bearer key shared by the function app and the inference service; azd keeps it stable via secretOrRandomPassword.')
param inferenceKey string

@secure()
@description('Salt of the patient-identifier hashes in results (DRGRADE_IDENTIFIER_SALT); azd keeps it stable via secretOrRandomPassword, since a new salt splits every patient\'s exams.')
param identifierSalt string

@description('Inference image set by azd after the first deploy (SERVICE_INFERENCE_IMAGE_NAME); empty = placeholder until then.')
param inferenceImageName string = ''

@allowed(['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'])
@description('Serverless GPU workload profile of the inference app.')
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@minValue(0)
@maxValue(10)
@description('Minimum GPU replicas; 0 scales to zero (no GPU cost when idle, cold start on the next request).')
param inferenceMinReplicas int = 0

@minValue(1)
@maxValue(10)
@description('Maximum GPU replicas; caps GPU spend. Each replica needs serverless GPU quota.')
param inferenceMaxReplicas int = 1

@description('Concurrent HTTP requests per GPU replica before the HTTP scale rule adds one.')
param inferenceConcurrentRequests int = 16

@description('Folder (blob prefix) inside the models container that holds model.onnx and model.json.')
param modelBlobPath string = 'drgrade'

@description('Inference server batching and body limits (DRGRADE_MAX_* settings of the inference container).')
param inferenceMaxBatchSize int = 8
param inferenceMaxQueueDelayMs int = 5
param inferenceMaxQueueSize int = 256
param inferenceMaxBodyBytes int = 67108864

@description('Function app limits, mirrored into its DRGRADE_* settings (defaults match shared/config/settings.ts except the timeout, which allows a GPU cold start).')
param inferenceTimeoutMs int = 60000
@description('Longest one storage request may take (DRGRADE_STORAGE_TIMEOUT_MS), so a hung storage endpoint cannot hang a grade.')
param storageTimeoutMs int = 30000
param maxImageBytes int = 33554432
param maxPixels int = 40000000
param requestDeadlineMs int = 120000
@description('Lesion search radius around the fovea in disc diameters, or \'null\' for the whole retina.')
param maculaDiscDiameters string = '2'

@description('Containers the code expects; the defaults equal defaultSettings in shared/config/settings.ts.')
param incomingContainerName string = 'fundus-incoming'
param resultsContainerName string = 'fundus-results'
param poisonContainerName string = 'fundus-poison'
param modelsContainerName string = 'models'

@minValue(0)
@description('Lifecycle option: delete photographs in the incoming container this many days after upload; 0 = keep.')
param incomingRetentionDays int = 0

@minValue(1)
@description('Lifecycle rule: delete previous blob versions (versioning is on) this many days after they were superseded.')
param blobVersionRetentionDays int = 30

@minValue(1)
@maxValue(365)
@description('Blob and container soft-delete retention.')
param softDeleteRetentionDays int = 7

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_LRS'

@description('Add private endpoints (blob, queue) for the storage account and turn its public network access off.')
param enableStoragePrivateEndpoints bool = false

@allowed([512, 2048, 4096])
@description('Flex Consumption instance memory; 2048 leaves room for sharp and the in-process analysis.')
param functionInstanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Flex Consumption scale-out ceiling: 250 instances of 2048 MB (one core each, the 512,000 MB regional quota) analyse about 0.79 million photographs an hour; 1 million needs 318 and a quota raise (docs/scale.md). It also caps spend under load.')
param functionMaximumInstanceCount int = 250

@allowed(['Basic', 'Standard', 'Premium'])
@description('Registry tier; Premium enables artifact streaming, which shortens GPU cold starts.')
param registrySku string = 'Basic'

@description('Key Vault purge protection. Off by default so that `azd down --purge` can remove the vault.')
param keyVaultPurgeProtection bool = false

@description('A principal that may upload photographs.')
type uploaderType = {
  @description('Entra object id of the user, group or service principal.')
  principalId: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

@description('Partners allowed to upload photographs; they get Storage Blob Data Contributor on the incoming container only.')
param partnerUploaders uploaderType[] = []

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, workload: 'drgrade', purpose: 'research-use-only' }
var deploymentContainerName = 'app-package-${resourceToken}'
var inferenceKeySecretName = 'drgrade-inference-key'
var identifierSaltSecretName = 'drgrade-identifier-salt'
var gpuProfileName = 'gpu'

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// One identity per workload so that each gets only its own roles.
module functionIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'function-identity'
  scope: rg
  params: {
    name: 'id-func-${resourceToken}'
    location: location
    tags: tags
  }
}

module inferenceIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'inference-identity'
  scope: rg
  params: {
    name: 'id-inf-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    metricsPublisherPrincipalIds: [functionIdentity.outputs.principalId]
  }
}

module network 'app/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'vnet-${resourceToken}'
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    skuName: storageSku
    containerNames: [incomingContainerName, resultsContainerName, poisonContainerName, modelsContainerName, deploymentContainerName]
    incomingContainerName: incomingContainerName
    incomingRetentionDays: incomingRetentionDays
    versionRetentionDays: blobVersionRetentionDays
    softDeleteRetentionDays: softDeleteRetentionDays
    publicNetworkAccess: enableStoragePrivateEndpoints ? 'Disabled' : 'Enabled'
  }
}

module storagePrivateEndpoints 'app/storage-private-endpoints.bicep' = if (enableStoragePrivateEndpoints) {
  name: 'storage-private-endpoints'
  scope: rg
  params: {
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    virtualNetworkId: network.outputs.id
    subnetId: network.outputs.privateEndpointSubnetId
  }
}

module eventGrid 'app/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'evgt-${resourceToken}'
    storageAccountId: storage.outputs.id
  }
}

// The function app hosts the blob trigger, writes results and poison records, and is the Functions host storage.
module functionStorageRoles 'app/rbac/storage-account-roles.bicep' = {
  name: 'function-storage-roles'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    assignments: [
      { principalId: functionIdentity.outputs.principalId, principalType: 'ServicePrincipal', roleDefinitionId: roles.storageBlobDataOwner }
      // The blob trigger keeps its poison messages in a queue of the same connection.
      { principalId: functionIdentity.outputs.principalId, principalType: 'ServicePrincipal', roleDefinitionId: roles.storageQueueDataContributor }
    ]
  }
}

module modelsRoles 'app/rbac/storage-container-roles.bicep' = {
  name: 'models-container-roles'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    containerName: modelsContainerName
    assignments: concat(
      [{ principalId: inferenceIdentity.outputs.principalId, principalType: 'ServicePrincipal', roleDefinitionId: roles.storageBlobDataReader }],
      empty(principalId) ? [] : [{ principalId: principalId, principalType: principalType, roleDefinitionId: roles.storageBlobDataContributor }]
    )
  }
}

module partnerRoles 'app/rbac/storage-container-roles.bicep' = {
  name: 'incoming-container-roles'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    containerName: incomingContainerName
    assignments: [for p in partnerUploaders: { principalId: p.principalId, principalType: p.principalType, roleDefinitionId: roles.storageBlobDataContributor }]
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    secretName: inferenceKeySecretName
    secretValue: inferenceKey
    identifierSaltSecretName: identifierSaltSecretName
    identifierSaltValue: identifierSalt
    // Only the function app hashes identifiers; azd reads the salt back on the next provision.
    saltReaders: concat(
      [{ principalId: functionIdentity.outputs.principalId, principalType: 'ServicePrincipal' }],
      empty(principalId) ? [] : [{ principalId: principalId, principalType: principalType }]
    )
    purgeProtection: keyVaultPurgeProtection
    secretReaders: concat(
      [
        { principalId: functionIdentity.outputs.principalId, principalType: 'ServicePrincipal' }
        { principalId: inferenceIdentity.outputs.principalId, principalType: 'ServicePrincipal' }
      ],
      // azd reads the key back on the next provision so that it stays stable.
      empty(principalId) ? [] : [{ principalId: principalId, principalType: principalType }]
    )
  }
}

module registry 'br/public:avm/res/container-registry/registry:0.9.1' = {
  name: 'registry'
  scope: rg
  params: {
    name: 'cr${resourceToken}'
    location: location
    tags: tags
    acrSku: registrySku
    acrAdminUserEnabled: false
    roleAssignments: [
      { roleDefinitionIdOrName: 'AcrPull', principalId: inferenceIdentity.outputs.principalId, principalType: 'ServicePrincipal' }
    ]
  }
}

module containerAppsEnvironment 'app/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cae-${resourceToken}'
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    infrastructureSubnetId: network.outputs.containerAppsSubnetId
    gpuProfileName: gpuProfileName
    gpuProfileType: gpuProfileType
  }
}

module environmentDns 'app/container-apps-dns.bicep' = {
  name: 'container-apps-dns'
  scope: rg
  params: {
    tags: tags
    zoneName: containerAppsEnvironment.outputs.defaultDomain
    staticIp: containerAppsEnvironment.outputs.staticIp
    virtualNetworkId: network.outputs.id
  }
}

module inference 'app/inference.bicep' = {
  name: 'inference'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'ca-inf-${resourceToken}'
    environmentId: containerAppsEnvironment.outputs.id
    workloadProfileName: gpuProfileName
    gpuProfileType: gpuProfileType
    image: inferenceImageName
    identityId: inferenceIdentity.outputs.resourceId
    identityClientId: inferenceIdentity.outputs.clientId
    registryServer: registry.outputs.loginServer
    inferenceKeySecretUri: keyVault.outputs.secretUri
    modelUrl: '${storage.outputs.blobEndpoint}${modelsContainerName}/${modelBlobPath}'
    modelAccountUrl: storage.outputs.blobEndpoint
    minReplicas: inferenceMinReplicas
    maxReplicas: inferenceMaxReplicas
    concurrentRequests: inferenceConcurrentRequests
    maxBatchSize: inferenceMaxBatchSize
    maxQueueDelayMs: inferenceMaxQueueDelayMs
    maxQueueSize: inferenceMaxQueueSize
    maxBodyBytes: inferenceMaxBodyBytes
  }
  // The app reads its Key Vault secret and pulls from the registry at creation: roles must exist first.
  dependsOn: [keyVault, registry, modelsRoles]
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    identityId: functionIdentity.outputs.resourceId
    identityClientId: functionIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    virtualNetworkSubnetId: network.outputs.functionsSubnetId
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
    incomingContainerName: incomingContainerName
    resultsContainerName: resultsContainerName
    poisonContainerName: poisonContainerName
    inferenceUrl: inference.outputs.url
    inferenceKeySecretUri: keyVault.outputs.secretUri
    identifierSaltSecretUri: keyVault.outputs.identifierSaltSecretUri
    inferenceTimeoutMs: inferenceTimeoutMs
    storageTimeoutMs: storageTimeoutMs
    maxImageBytes: maxImageBytes
    maxPixels: maxPixels
    requestDeadlineMs: requestDeadlineMs
    maculaDiscDiameters: maculaDiscDiameters
  }
  dependsOn: [functionStorageRoles, environmentDns]
}

// Read by azd (registry, Key Vault) and by scripts/hooks/postdeploy.*.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output INCOMING_CONTAINER_NAME string = incomingContainerName
output RESULTS_CONTAINER_NAME string = resultsContainerName
output MODELS_CONTAINER_NAME string = modelsContainerName
output MODEL_BLOB_PATH string = modelBlobPath
output INFERENCE_APP_NAME string = inference.outputs.name
output INFERENCE_INTERNAL_URL string = inference.outputs.url
