// Log Analytics + workspace-based Application Insights with local (instrumentation-key) auth disabled:
// telemetry is accepted only from Entra identities holding Monitoring Metrics Publisher.
param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string
@description('Principals that send telemetry (Monitoring Metrics Publisher on the component).')
param metricsPublisherPrincipalIds string[]

@minValue(30)
param retentionInDays int = 30

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    features: { disableLocalAuth: true }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource publisherRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in metricsPublisherPrincipalIds: {
    name: guid(applicationInsights.id, principalId, monitoringMetricsPublisher)
    scope: applicationInsights
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    }
  }
]

output logAnalyticsWorkspaceId string = logAnalytics.id
output applicationInsightsName string = applicationInsights.name
