package io.fhirpipe.exportpoller.state;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Storage clients and the state stores built on them. */
@ApplicationScoped
class PollerState {

    @Produces
    @Singleton
    BlobServiceClient blobServiceClient(PollerConfig config) {
        return BlobStorageClients.fromConfig(config.storage());
    }

    @Produces
    @Singleton
    ExportRunStore exportRunStore(BlobServiceClient client) {
        return new ExportRunStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }
}
