package io.fhirpipe.ndjsonsplitter.events;

import com.azure.storage.blob.BlobServiceClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The storage-event reader, for the consumer and the webhook alike. */
@ApplicationScoped
class EventBeans {

    @Produces
    @Singleton
    BlobCreatedEvents blobCreatedEvents(BlobServiceClient client, EventLimits limits) {
        return new BlobCreatedEvents(new LandingUrlPolicy(client.getAccountUrl()), limits.maxPerMessage());
    }
}
