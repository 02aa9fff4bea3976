package io.fhirpipe.exporttrigger.tracking;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.state.JsonBlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The tracker's own document, beside the tracker: the state package does not need to know it. */
@ApplicationScoped
class TrackerState {

    @Produces
    @Singleton
    ExportProgressStore exportProgressStore(BlobServiceClient client) {
        return new ExportProgressStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }
}
