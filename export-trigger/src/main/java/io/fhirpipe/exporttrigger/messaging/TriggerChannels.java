package io.fhirpipe.exporttrigger.messaging;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.Publishing;
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
        return publishing().to(requested);
    }

    @Produces
    @Named(EXPORT_ACCEPTED_OUT)
    CloudEventPublisher acceptedPublisher() {
        return publishing().to(accepted);
    }

    @Produces
    @Named(EXPORT_FAILED_OUT)
    CloudEventPublisher failedPublisher() {
        return publishing().to(failed);
    }

    @Produces
    @Named(EXPORT_LOADED_OUT)
    CloudEventPublisher loadedPublisher() {
        return publishing().to(loaded);
    }

    @Produces
    @ApplicationScoped
    MessageSettlement exportRequestedSettlement() {
        return MessageSettlement.of(Topics.EXPORT_REQUESTED, Subscriptions.EXPORT_TRIGGER, deadLetters);
    }

    private Publishing publishing() {
        return Publishing.of(config.messaging());
    }
}
