package io.fhirpipe.exporttrigger.state;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.state.ExportProgressStore;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.KickoffClaimStore;
import io.fhirpipe.runtime.state.WatermarkStore;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Storage clients and the state stores built on them. */
@ApplicationScoped
public class TriggerState {

    @Produces
    @Singleton
    BlobServiceClient blobServiceClient(TriggerConfig config) {
        return BlobStorageClients.fromConfig(config.storage());
    }

    @Produces
    @Singleton
    ExportRunStore exportRunStore(BlobServiceClient client) {
        return new ExportRunStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }

    @Produces
    @Singleton
    ExportProgressStore exportProgressStore(BlobServiceClient client) {
        return new ExportProgressStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }

    @Produces
    @Singleton
    KickoffClaimStore kickoffClaimStore(BlobServiceClient client) {
        return new KickoffClaimStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }

    @Produces
    @Singleton
    WatermarkStore watermarkStore(BlobServiceClient client) {
        return new WatermarkStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }
}
