// Flex Consumption (FC1) function app, Node 22, user-assigned identity for everything: host storage, the
// FundusStorage trigger/output connection, the deployment package, Key Vault references and App Insights.
// The app settings below are exactly what the code reads (shared/config/settings.ts); test/infra checks both ways.
param location string
param tags object
param name string
param planName string
param identityId string
param identityClientId string
param storageAccountName string
param blobEndpoint string
param queueEndpoint string
param deploymentContainerName string
param applicationInsightsName string
param virtualNetworkSubnetId string
param instanceMemoryMB int
param maximumInstanceCount int
param incomingContainerName string
param resultsContainerName string
param poisonContainerName string
@description('Base URL of the GPU inference service (internal to the virtual network).')
param inferenceUrl string
param inferenceKeySecretUri string
@description('Key Vault URI of the patient-identifier salt.')
param identifierSaltSecretUri string
param inferenceTimeoutMs int
param storageTimeoutMs int
param maxImageBytes int
param maxPixels int
param requestDeadlineMs int
param maculaDiscDiameters string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: { name: 'node', version: '22' }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Functions host storage (identity form; no connection string exists).
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // The FundusStorage connection (storageConnectionName): blob trigger, outputs, poison records. The blob
      // extension also needs the queue URI for its poison queue.
      FundusStorage__blobServiceUri: blobEndpoint
      FundusStorage__queueServiceUri: queueEndpoint
      FundusStorage__credential: 'managedidentity'
      FundusStorage__clientId: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      // Local auth is off on the component: telemetry is sent with the identity's Entra token.
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      DRGRADE_INCOMING_CONTAINER: incomingContainerName
      DRGRADE_RESULTS_CONTAINER: resultsContainerName
      DRGRADE_POISON_CONTAINER: poisonContainerName
      DRGRADE_INFERENCE_URL: inferenceUrl
      DRGRADE_INFERENCE_KEY: '@Microsoft.KeyVault(SecretUri=${inferenceKeySecretUri})'
      DRGRADE_INFERENCE_TIMEOUT_MS: string(inferenceTimeoutMs)
      DRGRADE_STORAGE_TIMEOUT_MS: string(storageTimeoutMs)
      DRGRADE_MODEL_NAME: 'drgrade'
      // Empty: the shipped default model manifest; grading runs on the GPU service.
      DRGRADE_MODEL_DIR: ''
      DRGRADE_EXECUTION_PROVIDER: 'cpu'
      DRGRADE_MAX_IMAGE_BYTES: string(maxImageBytes)
      DRGRADE_MAX_PIXELS: string(maxPixels)
      DRGRADE_REQUEST_DEADLINE_MS: string(requestDeadlineMs)
      // Empty: derived per instance from its cores and memory (shared/http/defaultConcurrentAnalyses.ts).
      DRGRADE_MAX_CONCURRENT_ANALYSES: ''
      DRGRADE_ANALYSIS_QUEUE_SIZE: ''
      DRGRADE_MACULA_DISC_DIAMETERS: maculaDiscDiameters
      DRGRADE_IDENTIFIER_SALT: '@Microsoft.KeyVault(SecretUri=${identifierSaltSecretUri})'
    }
  }

  // Deployments use Entra ID (azd), never publishing passwords.
  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }

  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
