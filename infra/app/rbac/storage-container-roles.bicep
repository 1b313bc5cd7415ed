// Role assignments scoped to one blob container (least privilege: partners and the inference app see one container).
@description('One role assignment: who, what kind of principal, which built-in role (definition GUID).')
type assignmentType = {
  principalId: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
  roleDefinitionId: string
}

param storageAccountName string
param containerName string
param assignments assignmentType[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in assignments: {
    name: guid(account::blobService::container.id, a.principalId, a.roleDefinitionId)
    scope: account::blobService::container
    properties: {
      principalId: a.principalId
      principalType: a.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    }
  }
]
