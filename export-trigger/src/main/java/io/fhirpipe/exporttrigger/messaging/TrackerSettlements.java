package io.fhirpipe.exporttrigger.messaging;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** How the tracker settles each of its subscriptions: dead letters go to that topic's dead-letter address. */
@ApplicationScoped
public class TrackerSettlements {

    private final MessageSettlement exportCompleted;
    private final MessageSettlement exportFailed;
    private final MessageSettlement splitCompleted;
    private final MessageSettlement chunkLoaded;
    private final MessageSettlement chunkFailed;
    private final MessageSettlement fileFailed;

    @Inject
    public TrackerSettlements(@Channel(TriggerChannels.DEAD_LETTERS_OUT) Emitter<String> deadLetters) {
        exportCompleted = MessageSettlement.of(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER, deadLetters);
        exportFailed = MessageSettlement.of(Topics.EXPORT_FAILED, Subscriptions.EXPORT_TRACKER, deadLetters);
        splitCompleted = MessageSettlement.of(Topics.SPLIT_COMPLETED, Subscriptions.EXPORT_TRACKER, deadLetters);
        chunkLoaded = MessageSettlement.of(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER, deadLetters);
        chunkFailed = MessageSettlement.of(Topics.CHUNK_FAILED, Subscriptions.EXPORT_TRACKER, deadLetters);
        fileFailed = MessageSettlement.of(Topics.FILE_FAILED, Subscriptions.EXPORT_TRACKER, deadLetters);
    }

    public MessageSettlement exportCompleted() {
        return exportCompleted;
    }

    public MessageSettlement exportFailed() {
        return exportFailed;
    }

    public MessageSettlement splitCompleted() {
        return splitCompleted;
    }

    public MessageSettlement chunkLoaded() {
        return chunkLoaded;
    }

    public MessageSettlement chunkFailed() {
        return chunkFailed;
    }

    public MessageSettlement fileFailed() {
        return fileFailed;
    }
}
