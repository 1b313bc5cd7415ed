// Event Grid system topic on the storage account. Its subscription (BlobCreated in the incoming container, sent to
// the blob extension webhook) is made by scripts/hooks/postdeploy.*, because it needs the blobs_extension key
// that only exists once the function code is deployed.
param location string
param tags object
param name string
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
