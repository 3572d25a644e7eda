// Baton's Teams registration: an Azure Bot (single-tenant Entra app) whose messaging endpoint is the AWS ingress
// (the CDK stack's TeamsMessagingEndpoint output), with the Microsoft Teams channel on. The Entra app itself is
// created outside Bicep (`az ad app create`, or the Microsoft 365 Agents Toolkit): pass its client id here.
//
//   az deployment group create -g <resource-group> -f infra/teams/azure-bot.bicep \
//     -p botName=baton msaAppId=<client id> msaAppTenantId=<tenant id> \
//        messagingEndpoint=https://<function-url-id>.lambda-url.<region>.on.aws/api/messages

@description('Globally unique name of the Azure Bot resource (its handle).')
@minLength(2)
@maxLength(64)
param botName string

@description('Name shown in Teams.')
param botDisplayName string = 'Baton'

@description('Client (application) id of the bot\'s Entra app registration: MicrosoftAppId.')
param msaAppId string

@description('Entra tenant id of that app registration: MicrosoftAppTenantId.')
param msaAppTenantId string

@description('HTTPS URL Teams posts activities to: the ingress Function URL + /api/messages.')
param messagingEndpoint string

@description('F0 is free (standard channels such as Teams are free on either SKU).')
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  // Bot registrations are global; only their data residency is regional.
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: botDisplayName
    endpoint: messagingEndpoint
    msaAppId: msaAppId
    // Multi-tenant bot creation ended on 2025-07-31: new registrations are single-tenant.
    msaAppType: 'SingleTenant'
    msaAppTenantId: msaAppTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output botId string = bot.id
output endpoint string = bot.properties.endpoint
