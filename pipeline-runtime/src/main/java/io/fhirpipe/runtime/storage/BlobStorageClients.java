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

    private BlobStorageClients() {
    }

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

    /** Creates fhirpipe's containers where missing (local stacks; in Azure the deployment creates them). */
    public static void ensureContainers(BlobServiceClient service) {
        for (String name : Containers.ALL) {
            BlobContainerClient container = service.getBlobContainerClient(name);
            container.createIfNotExists();
        }
    }
}
