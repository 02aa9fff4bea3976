package io.fhirpipe.runtime.storage;

import java.util.Optional;

/**
 * Where the storage account is and how to reach it: a connection string locally (Azurite), or an
 * account URL with Microsoft Entra ID ({@code DefaultAzureCredential}, optionally a user-assigned
 * managed identity) in Azure.
 */
public record StorageSettings(
        Optional<String> connectionString, Optional<String> accountUrl, Optional<String> managedIdentityClientId) {

    public StorageSettings {
        if (connectionString.isEmpty() == accountUrl.isEmpty()) {
            throw new IllegalArgumentException("configure exactly one of fhirpipe.storage.connection-string "
                    + "(local, Azurite) or fhirpipe.storage.account-url (Azure, Entra ID)");
        }
    }

    public static StorageSettings ofConnectionString(String connectionString) {
        return new StorageSettings(Optional.of(connectionString), Optional.empty(), Optional.empty());
    }

    public static StorageSettings ofAccountUrl(String accountUrl, Optional<String> managedIdentityClientId) {
        return new StorageSettings(Optional.empty(), Optional.of(accountUrl), managedIdentityClientId);
    }

    /** Never prints the connection string: it carries the account key. */
    @Override
    public String toString() {
        return accountUrl
                .map(url -> "StorageSettings[accountUrl=" + url + ", credential=Entra ID]")
                .orElse("StorageSettings[connectionString=***]");
    }
}
