// Role assignments on a whole storage account (only for the Functions host, which creates its own containers).
@description('One role assignment: who, what kind of principal, which built-in role (definition GUID).')
type assignmentType = {
  principalId: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
  roleDefinitionId: string
}

param storageAccountName string
param assignments assignmentType[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in assignments: {
    name: guid(account.id, a.principalId, a.roleDefinitionId)
    scope: account
    properties: {
      principalId: a.principalId
      principalType: a.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleDefinitionId)
    }
  }
]
