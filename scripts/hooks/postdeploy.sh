#!/bin/sh
# azd postdeploy hook: create (or update) the Event Grid subscription that feeds the blob trigger.
# Only BlobCreated events from the incoming container go to the blob extension webhook of gradeIncomingBlob.
# It runs after deploy because the webhook needs the blobs_extension system key, which the host creates only once
# the code with the Event Grid blob trigger is running. The key is never printed.
set -eu

: "${AZURE_SUBSCRIPTION_ID:?run through azd (azd up / azd deploy)}"
: "${AZURE_RESOURCE_GROUP:?missing azd output AZURE_RESOURCE_GROUP}"
: "${AZURE_FUNCTION_APP_NAME:?missing azd output AZURE_FUNCTION_APP_NAME}"
: "${AZURE_FUNCTION_APP_HOSTNAME:?missing azd output AZURE_FUNCTION_APP_HOSTNAME}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?missing azd output EVENT_GRID_SYSTEM_TOPIC_NAME}"
: "${INCOMING_CONTAINER_NAME:?missing azd output INCOMING_CONTAINER_NAME}"

function_name='gradeIncomingBlob'
subscription_name='fundus-incoming-blob-created'

if ! command -v az >/dev/null 2>&1; then
  echo 'postdeploy: the Azure CLI (az) is required; install it and run `az login`.' >&2
  exit 1
fi

# The host publishes the key a little after deployment: poll for up to 5 minutes.
key=''
attempt=1
while [ "$attempt" -le 30 ]; do
  key=$(az functionapp keys list \
    --subscription "$AZURE_SUBSCRIPTION_ID" \
    --resource-group "$AZURE_RESOURCE_GROUP" \
    --name "$AZURE_FUNCTION_APP_NAME" \
    --query 'systemKeys.blobs_extension' --output tsv 2>/dev/null || true)
  if [ -n "$key" ] && [ "$key" != 'None' ]; then
    break
  fi
  key=''
  echo "postdeploy: waiting for the blobs_extension key (attempt $attempt/30)..."
  attempt=$((attempt + 1))
  sleep 10
done
if [ -z "$key" ]; then
  echo "postdeploy: no blobs_extension key on $AZURE_FUNCTION_APP_NAME; is $function_name deployed with an Event Grid blob trigger?" >&2
  exit 1
fi

endpoint="https://${AZURE_FUNCTION_APP_HOSTNAME}/runtime/webhooks/blobs?functionName=Host.Functions.${function_name}&code=${key}"

az eventgrid system-topic event-subscription create \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --name "$subscription_name" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${INCOMING_CONTAINER_NAME}/" \
  --output none

echo "postdeploy: Event Grid subscription '$subscription_name' sends BlobCreated in '$INCOMING_CONTAINER_NAME' to $function_name."
