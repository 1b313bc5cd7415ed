// The GPU inference service (inference/Dockerfile, Open Inference Protocol on port 8080) on a serverless GPU
// workload profile. The environment is internal, so `external: true` here means "reachable from the virtual
// network" (the function app), never from the internet; `external: false` would hide it from the function app,
// which runs outside the environment. The bearer key is a Key Vault reference read with the app's identity.
param location string
param tags object
param name string
param environmentId string
param workloadProfileName string
@allowed(['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'])
param gpuProfileType string
@description('Image from the registry; empty = a public placeholder until the first `azd deploy` replaces it.')
param image string
param identityId string
param identityClientId string
param registryServer string
param inferenceKeySecretUri string
@description('Blob URL of the model folder, read with the app identity (Storage Blob Data Reader on the models container).')
param modelUrl string
@description('Blob service endpoint of the storage account models may be read from; the server refuses a model URL elsewhere.')
param modelAccountUrl string
@description('Where the server keeps the downloaded model inside the container.')
param modelDir string = '/tmp/drgrade-model'
param minReplicas int
param maxReplicas int
param concurrentRequests int
param maxBatchSize int
param maxQueueDelayMs int
param maxQueueSize int
param maxBodyBytes int

var port = 8080
// A GPU replica gets the whole profile: NC8as-T4 = 8 vCPU / 56 GiB, NC24-A100 = 24 vCPU / 220 GiB.
var resources = gpuProfileType == 'Consumption-GPU-NC24-A100' ? { cpu: 24, memory: '220Gi' } : { cpu: 8, memory: '56Gi' }
// Until the first deploy: a public sample image. It does not answer the probes, which is harmless at min 0 replicas
// and is replaced by `azd deploy` (which keeps port, probes and settings, and changes only the image).
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'inference' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'http'
        allowInsecure: false
      }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: [{ name: 'inference-key', keyVaultUrl: inferenceKeySecretUri, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: 'inference'
          image: empty(image) ? placeholderImage : image
          resources: { cpu: resources.cpu, memory: resources.memory }
          env: [
            { name: 'DRGRADE_INFERENCE_KEY', secretRef: 'inference-key' }
            { name: 'DRGRADE_MODEL_DIR', value: modelDir }
            { name: 'DRGRADE_MODEL_URL', value: modelUrl }
            { name: 'DRGRADE_MODEL_ACCOUNT_URL', value: modelAccountUrl }
            { name: 'DRGRADE_EXECUTION_PROVIDER', value: 'cuda' }
            { name: 'DRGRADE_MAX_BATCH_SIZE', value: string(maxBatchSize) }
            { name: 'DRGRADE_MAX_QUEUE_DELAY_MS', value: string(maxQueueDelayMs) }
            { name: 'DRGRADE_MAX_QUEUE_SIZE', value: string(maxQueueSize) }
            { name: 'DRGRADE_MAX_BODY_BYTES', value: string(maxBodyBytes) }
            { name: 'PORT', value: string(port) }
            // Selects the user-assigned identity for the blob download (DefaultAzureCredential / ManagedIdentityCredential).
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
          ]
          probes: [
            {
              // Model download and CUDA start-up can take minutes: allow 10 x 30 s before liveness takes over.
              type: 'Startup'
              httpGet: { path: '/v2/health/live', port: port }
              periodSeconds: 30
              failureThreshold: 10
              timeoutSeconds: 5
            }
            {
              type: 'Liveness'
              httpGet: { path: '/v2/health/live', port: port }
              periodSeconds: 15
              failureThreshold: 3
              timeoutSeconds: 5
            }
            {
              type: 'Readiness'
              httpGet: { path: '/v2/health/ready', port: port }
              periodSeconds: 5
              failureThreshold: 3
              timeoutSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: { metadata: { concurrentRequests: string(concurrentRequests) } }
          }
        ]
      }
    }
  }
}

output name string = app.name
@description('HTTPS base URL, resolvable only inside the virtual network.')
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
