# azd postdeploy hook (Windows): same as postdeploy.sh. Creates (or updates) the Event Grid subscription that sends
# BlobCreated events of the incoming container to the blob extension webhook of gradeIncomingBlob. It runs after
# deploy because the webhook needs the blobs_extension system key, which exists only once the code runs.
# The key is never printed.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

foreach ($name in @('AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_HOSTNAME', 'EVENT_GRID_SYSTEM_TOPIC_NAME', 'INCOMING_CONTAINER_NAME')) {
  if ([string]::IsNullOrWhiteSpace([Environment]::GetEnvironmentVariable($name))) {
    throw "postdeploy: missing $name; run through azd (azd up / azd deploy)."
  }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  throw 'postdeploy: the Azure CLI (az) is required; install it and run `az login`.'
}

$functionName = 'gradeIncomingBlob'
$subscriptionName = 'fundus-incoming-blob-created'

# The host publishes the key a little after deployment: poll for up to 5 minutes.
$key = ''
for ($attempt = 1; $attempt -le 30; $attempt++) {
  $key = az functionapp keys list `
    --subscription $env:AZURE_SUBSCRIPTION_ID `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --name $env:AZURE_FUNCTION_APP_NAME `
    --query 'systemKeys.blobs_extension' --output tsv 2>$null
  if ($LASTEXITCODE -eq 0 -and $key -and $key -ne 'None') { break }
  $key = ''
  Write-Host "postdeploy: waiting for the blobs_extension key (attempt $attempt/30)..."
  Start-Sleep -Seconds 10
}
if (-not $key) {
  throw "postdeploy: no blobs_extension key on $($env:AZURE_FUNCTION_APP_NAME); is $functionName deployed with an Event Grid blob trigger?"
}

$endpoint = "https://$($env:AZURE_FUNCTION_APP_HOSTNAME)/runtime/webhooks/blobs?functionName=Host.Functions.$functionName&code=$key"
# On Windows az is az.cmd, so Command Prompt parses the arguments again and would split the URL at '&'; embedded
# double quotes keep it whole (Azure/azure-cli doc/quoting-issues-with-powershell.md).
$endpointArgument = if ($env:OS -eq 'Windows_NT') { '"' + $endpoint + '"' } else { $endpoint }

az eventgrid system-topic event-subscription create `
  --subscription $env:AZURE_SUBSCRIPTION_ID `
  --resource-group $env:AZURE_RESOURCE_GROUP `
  --system-topic-name $env:EVENT_GRID_SYSTEM_TOPIC_NAME `
  --name $subscriptionName `
  --endpoint-type webhook `
  --endpoint $endpointArgument `
  --included-event-types Microsoft.Storage.BlobCreated `
  --subject-begins-with "/blobServices/default/containers/$($env:INCOMING_CONTAINER_NAME)/" `
  --output none
if ($LASTEXITCODE -ne 0) { throw 'postdeploy: creating the Event Grid subscription failed.' }

Write-Host "postdeploy: Event Grid subscription '$subscriptionName' sends BlobCreated in '$($env:INCOMING_CONTAINER_NAME)' to $functionName."
