package io.fhirpipe.runtime.storage;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.model.storage.Containers;

/**
 * Builds Blob API clients from {@link StorageSettings}. The Blob API is used even on ADLS Gen2
 * accounts: it is served there too, and it is the API Azurite implements.
 */
public final class BlobStorageClients {

    private BlobStorageClients() {}

    public static BlobServiceClient serviceClient(StorageSettings settings) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        if (settings.connectionString().isPresent()) {
            builder.connectionString(settings.connectionString().get());
        } else {
            DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
            settings.managedIdentityClientId().ifPresent(credential::managedIdentityClientId);
            builder.endpoint(settings.accountUrl().orElseThrow()).credential(credential.build());
        }
        return builder.buildClient();
    }

    /** The client a service's {@code fhirpipe.storage.*} configuration describes, containers created if asked. */
    public static BlobServiceClient fromConfig(StorageConfig config) {
        java.util.Optional<String> connectionString = config.connectionString().filter(s -> !s.isBlank());
        StorageSettings settings = connectionString.isPresent()
                ? StorageSettings.ofConnectionString(connectionString.get())
                : new StorageSettings(
                        java.util.Optional.empty(),
                        config.accountUrl().filter(s -> !s.isBlank()),
                        config.managedIdentityClientId());
        BlobServiceClient client = serviceClient(settings);
        if (config.createContainers()) {
            ensureContainers(client);
        }
        return client;
    }

    /** Creates fhirpipe's containers where missing (local stacks; in Azure the deployment creates them). */
    public static void ensureContainers(BlobServiceClient service) {
        for (String name : Containers.ALL) {
            BlobContainerClient container = service.getBlobContainerClient(name);
            container.createIfNotExists();
        }
    }
}
