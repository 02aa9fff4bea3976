package io.fhirpipe.exporttrigger.messaging;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
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

/** The trigger's outgoing channels, wrapped as publishers of CloudEvents. */
@ApplicationScoped
public class TriggerChannels {

    public static final String EXPORT_REQUESTED_OUT = "export-requested-out";
    public static final String EXPORT_ACCEPTED_OUT = "export-accepted-out";
    public static final String EXPORT_FAILED_OUT = "export-failed-out";
    public static final String EXPORT_LOADED_OUT = "export-loaded-out";
    public static final String DEAD_LETTERS_OUT = "dead-letters-out";

    @Inject
    @Channel(EXPORT_REQUESTED_OUT)
    Emitter<String> requested;

    @Inject
    @Channel(EXPORT_ACCEPTED_OUT)
    Emitter<String> accepted;

    @Inject
    @Channel(EXPORT_FAILED_OUT)
    Emitter<String> failed;

    @Inject
    @Channel(EXPORT_LOADED_OUT)
    Emitter<String> loaded;

    @Inject
    @Channel(DEAD_LETTERS_OUT)
    Emitter<String> deadLetters;

    @Inject
    TriggerConfig config;

    @Produces
    @Named(EXPORT_REQUESTED_OUT)
    CloudEventPublisher requestedPublisher() {
        return new CloudEventPublisher(requested, broker());
    }

    @Produces
    @Named(EXPORT_ACCEPTED_OUT)
    CloudEventPublisher acceptedPublisher() {
        return new CloudEventPublisher(accepted, broker());
    }

    @Produces
    @Named(EXPORT_FAILED_OUT)
    CloudEventPublisher failedPublisher() {
        return new CloudEventPublisher(failed, broker());
    }

    @Produces
    @Named(EXPORT_LOADED_OUT)
    CloudEventPublisher loadedPublisher() {
        return new CloudEventPublisher(loaded, broker());
    }

    @Produces
    @ApplicationScoped
    MessageSettlement exportRequestedSettlement() {
        return new MessageSettlement(Topics.EXPORT_REQUESTED, Subscriptions.EXPORT_TRIGGER,
                new DeadLetterPublisher(deadLetters));
    }

    private BrokerKind broker() {
        return config.messaging().brokerKind();
    }
}
