package io.fhirpipe.ndjsonsplitter.messaging;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.ndjsonsplitter.config.SplitterConfig;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.Publishing;
import io.fhirpipe.runtime.messaging.RawEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** The splitter's topics: a publisher for each it sends to, the settlement of the one it reads. */
@ApplicationScoped
public class SplitterChannels {

    public static final String CHUNK_READY_OUT = "chunk-ready-out";
    public static final String SPLIT_COMPLETED_OUT = "split-completed-out";
    public static final String DEAD_LETTERS_OUT = "dead-letters-out";
    public static final String FILE_FAILED_OUT = "file-failed-out";
    /** Storage events pushed to the webhook, handed to the topic the consumer reads. */
    public static final String BLOB_CREATED_OUT = "blob-created-out";

    @Inject
    @Channel(CHUNK_READY_OUT)
    Emitter<String> chunkReady;

    @Inject
    @Channel(SPLIT_COMPLETED_OUT)
    Emitter<String> splitCompleted;

    @Inject
    @Channel(DEAD_LETTERS_OUT)
    Emitter<String> deadLetters;

    @Inject
    @Channel(FILE_FAILED_OUT)
    Emitter<String> fileFailed;

    @Inject
    @Channel(BLOB_CREATED_OUT)
    Emitter<String> blobCreated;

    @Inject
    SplitterConfig config;

    @Produces
    @Named(CHUNK_READY_OUT)
    CloudEventPublisher chunkReadyPublisher() {
        return publishing().to(chunkReady);
    }

    @Produces
    @Named(SPLIT_COMPLETED_OUT)
    CloudEventPublisher splitCompletedPublisher() {
        return publishing().to(splitCompleted);
    }

    @Produces
    @Named(FILE_FAILED_OUT)
    CloudEventPublisher fileFailedPublisher() {
        return publishing().to(fileFailed);
    }

    @Produces
    RawEventPublisher blobCreatedPublisher() {
        return publishing().rawTo(blobCreated);
    }

    @Produces
    @ApplicationScoped
    MessageSettlement blobCreatedSettlement() {
        return MessageSettlement.of(Topics.BLOB_CREATED, Subscriptions.NDJSON_SPLITTER, deadLetters);
    }

    private Publishing publishing() {
        return Publishing.of(config.messaging());
    }
}
