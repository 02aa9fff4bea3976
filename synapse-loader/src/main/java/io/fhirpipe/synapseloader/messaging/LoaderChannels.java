package io.fhirpipe.synapseloader.messaging;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.Publishing;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** The loader's outgoing channels, wrapped as publishers of CloudEvents, and its settlement. */
@ApplicationScoped
public class LoaderChannels {

    public static final String CHUNK_LOADED_OUT = "chunk-loaded-out";
    public static final String CHUNK_FAILED_OUT = "chunk-failed-out";
    public static final String DEAD_LETTERS_OUT = "dead-letters-out";

    @Inject
    @Channel(CHUNK_LOADED_OUT)
    Emitter<String> chunkLoaded;

    @Inject
    @Channel(CHUNK_FAILED_OUT)
    Emitter<String> chunkFailed;

    @Inject
    @Channel(DEAD_LETTERS_OUT)
    Emitter<String> deadLetters;

    @Inject
    LoaderConfig config;

    @Produces
    @Named(CHUNK_LOADED_OUT)
    CloudEventPublisher chunkLoadedPublisher() {
        return Publishing.of(config.messaging()).to(chunkLoaded);
    }

    @Produces
    @Named(CHUNK_FAILED_OUT)
    CloudEventPublisher chunkFailedPublisher() {
        return Publishing.of(config.messaging()).to(chunkFailed);
    }

    @Produces
    @ApplicationScoped
    MessageSettlement chunkReadySettlement() {
        return MessageSettlement.of(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, deadLetters);
    }
}
