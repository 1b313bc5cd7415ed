// Key Vault in RBAC mode holding the inference bearer key. Readers get Key Vault Secrets User on that one secret.
@description('A principal that may read the secret.')
type readerType = {
  principalId: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

param location string
param tags object
param name string
param secretName string
@secure()
param secretValue string
param purgeProtection bool
param secretReaders readerType[]
@description('Second secret: the salt of patient-identifier hashes (DRGRADE_IDENTIFIER_SALT).')
param identifierSaltSecretName string
@secure()
param identifierSaltValue string
param saltReaders readerType[]

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // The property accepts only true: leaving it unset is how protection stays off.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'Bearer key of the drgrade inference service'
  }
}

resource readerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for r in secretReaders: {
    name: guid(secret.id, r.principalId, keyVaultSecretsUser)
    scope: secret
    properties: {
      principalId: r.principalId
      principalType: r.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    }
  }
]

resource saltSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: identifierSaltSecretName
  properties: {
    value: identifierSaltValue
    contentType: 'Salt of drgrade patient-identifier hashes'
  }
}

resource saltReaderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for r in saltReaders: {
    name: guid(saltSecret.id, r.principalId, keyVaultSecretsUser)
    scope: saltSecret
    properties: {
      principalId: r.principalId
      principalType: r.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    }
  }
]

output name string = vault.name
@description('Versionless secret URI: consumers follow the latest version.')
output secretUri string = secret.properties.secretUri
@description('Versionless URI of the identifier salt.')
output identifierSaltSecretUri string = saltSecret.properties.secretUri
