package io.fhirpipe.exporttrigger.state;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.PollStateStore;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Storage clients and the state stores built on them. */
@ApplicationScoped
class TriggerState {

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
    KickoffClaimStore kickoffClaimStore(BlobServiceClient client) {
        return new KickoffClaimStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }

    /** The poller's documents: read here for the status API, never written. */
    @Produces
    @Singleton
    PollStateStore pollStateStore(BlobServiceClient client) {
        return new PollStateStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }

    @Produces
    @Singleton
    WatermarkStore watermarkStore(BlobServiceClient client) {
        return new WatermarkStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }
}
