// Key Vault for what cannot use an identity: the loader's SQL password (fhirpipe.loader.sql.auth=sql)
// and a storage SAS token (fhirpipe.loader.sql.storage-credential=sas), each only when given. With
// the defaults (Entra ID to the warehouse, the workspace identity to storage) the vault stays empty.
// RBAC authorization; the loader's identity gets Key Vault Secrets User on each secret it reads
// (Container Apps resolves the Key Vault reference with that identity), nobody else gets data access.
// Microsoft.KeyVault/vaults@2023-07-01, vaults/secrets@2023-07-01 (documented API versions; not compiled here).

param location string
param name string
@description('{ id, clientId, principalId } of the identity that reads the secrets (synapse-loader)')
param readerIdentity object
@secure()
param loaderSqlPassword string = ''
@secure()
param loaderSasToken string = ''

var secretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sqlPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(loaderSqlPassword)) {
  parent: vault
  name: 'loader-sql-password'
  properties: {
    value: loaderSqlPassword
  }
}

resource sasToken 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(loaderSasToken)) {
  parent: vault
  name: 'loader-sas-token'
  properties: {
    value: loaderSasToken
  }
}

resource sqlPasswordReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(loaderSqlPassword)) {
  scope: sqlPassword
  name: guid(vault.id, 'loader-sql-password', readerIdentity.principalId, secretsUser)
  properties: {
    roleDefinitionId: secretsUser
    principalId: readerIdentity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource sasTokenReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(loaderSasToken)) {
  scope: sasToken
  name: guid(vault.id, 'loader-sas-token', readerIdentity.principalId, secretsUser)
  properties: {
    roleDefinitionId: secretsUser
    principalId: readerIdentity.principalId
    principalType: 'ServicePrincipal'
  }
}

output vaultName string = vault.name
// Versionless secret URIs (Container Apps follows the latest version); empty when not stored.
output loaderSqlPasswordUri string = empty(loaderSqlPassword) ? '' : '${vault.properties.vaultUri}secrets/loader-sql-password'
output loaderSasTokenUri string = empty(loaderSasToken) ? '' : '${vault.properties.vaultUri}secrets/loader-sas-token'
