package io.fhirpipe.exportpoller.messaging;

import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
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

/** The poller's and the transfer's outgoing channels, wrapped as publishers, and their settlements. */
@ApplicationScoped
public class PollerChannels {

    public static final String POLL_DUE_OUT = "export-poll-due-out";
    public static final String FILE_READY_OUT = "export-file-ready-out";
    public static final String COMPLETED_OUT = "export-completed-out";
    public static final String FAILED_OUT = "export-failed-out";
    public static final String DEAD_LETTERS_OUT = "dead-letters-out";
    public static final String BLOB_CREATED_OUT = "blob-created-out";
    public static final String FILE_FAILED_OUT = "file-failed-out";
    /**
     * Name the two settlements. (A bean qualified by @Named alone keeps @Default, so both must be
     * injected by name.)
     */
    public static final String EXPORT_ACCEPTED_SETTLEMENT = "export-accepted-settlement";

    public static final String FILE_READY_SETTLEMENT = "export-file-ready-settlement";

    @Inject
    @Channel(POLL_DUE_OUT)
    Emitter<String> pollDue;

    @Inject
    @Channel(FILE_READY_OUT)
    Emitter<String> fileReady;

    @Inject
    @Channel(COMPLETED_OUT)
    Emitter<String> completed;

    @Inject
    @Channel(FAILED_OUT)
    Emitter<String> failed;

    @Inject
    @Channel(DEAD_LETTERS_OUT)
    Emitter<String> deadLetters;

    @Inject
    @Channel(BLOB_CREATED_OUT)
    Emitter<String> blobCreated;

    @Inject
    @Channel(FILE_FAILED_OUT)
    Emitter<String> fileFailed;

    @Inject
    PollerConfig config;

    @Produces
    @Named(POLL_DUE_OUT)
    CloudEventPublisher pollDuePublisher() {
        return publishing().to(pollDue);
    }

    @Produces
    @Named(FILE_READY_OUT)
    CloudEventPublisher fileReadyPublisher() {
        return publishing().to(fileReady);
    }

    @Produces
    @Named(COMPLETED_OUT)
    CloudEventPublisher completedPublisher() {
        return publishing().to(completed);
    }

    @Produces
    @Named(FAILED_OUT)
    CloudEventPublisher failedPublisher() {
        return publishing().to(failed);
    }

    @Produces
    @Named(FILE_FAILED_OUT)
    CloudEventPublisher fileFailedPublisher() {
        return publishing().to(fileFailed);
    }

    @Produces
    @ApplicationScoped
    @Named(EXPORT_ACCEPTED_SETTLEMENT)
    MessageSettlement exportAcceptedSettlement() {
        return MessageSettlement.of(Topics.EXPORT_ACCEPTED, Subscriptions.EXPORT_POLLER, deadLetters);
    }

    @Produces
    @Named(BLOB_CREATED_OUT)
    RawEventPublisher blobCreatedPublisher() {
        return publishing().rawTo(blobCreated);
    }

    @Produces
    @ApplicationScoped
    @Named(FILE_READY_SETTLEMENT)
    MessageSettlement fileReadySettlement() {
        return MessageSettlement.of(Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER, deadLetters);
    }

    private Publishing publishing() {
        return Publishing.of(config.messaging());
    }
}
