package io.fhirpipe.exportpoller.messaging;

import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.runtime.messaging.RawEventPublisher;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.messaging.BrokerKind;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.DeadLetterPublisher;
import io.fhirpipe.runtime.messaging.MessageSettlement;
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
        return new CloudEventPublisher(pollDue, broker());
    }

    @Produces
    @Named(FILE_READY_OUT)
    CloudEventPublisher fileReadyPublisher() {
        return new CloudEventPublisher(fileReady, broker());
    }

    @Produces
    @Named(COMPLETED_OUT)
    CloudEventPublisher completedPublisher() {
        return new CloudEventPublisher(completed, broker());
    }

    @Produces
    @Named(FAILED_OUT)
    CloudEventPublisher failedPublisher() {
        return new CloudEventPublisher(failed, broker());
    }

    @Produces
    @Named(FILE_FAILED_OUT)
    CloudEventPublisher fileFailedPublisher() {
        return new CloudEventPublisher(fileFailed, broker());
    }

    @Produces
    @ApplicationScoped
    @Named(EXPORT_ACCEPTED_SETTLEMENT)
    MessageSettlement exportAcceptedSettlement() {
        return new MessageSettlement(Topics.EXPORT_ACCEPTED, Subscriptions.EXPORT_POLLER,
                new DeadLetterPublisher(deadLetters));
    }

    @Produces
    @Named(BLOB_CREATED_OUT)
    RawEventPublisher blobCreatedPublisher() {
        return new RawEventPublisher(blobCreated);
    }

    @Produces
    @ApplicationScoped
    @Named(FILE_READY_SETTLEMENT)
    MessageSettlement fileReadySettlement() {
        return new MessageSettlement(Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER,
                new DeadLetterPublisher(deadLetters));
    }

    private BrokerKind broker() {
        return config.messaging().brokerKind();
    }
}
