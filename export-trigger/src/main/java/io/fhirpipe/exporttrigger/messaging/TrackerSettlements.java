package io.fhirpipe.exporttrigger.messaging;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.messaging.DeadLetterPublisher;
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
        DeadLetterPublisher publisher = new DeadLetterPublisher(deadLetters);
        exportCompleted = new MessageSettlement(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER, publisher);
        exportFailed = new MessageSettlement(Topics.EXPORT_FAILED, Subscriptions.EXPORT_TRACKER, publisher);
        splitCompleted = new MessageSettlement(Topics.SPLIT_COMPLETED, Subscriptions.EXPORT_TRACKER, publisher);
        chunkLoaded = new MessageSettlement(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER, publisher);
        chunkFailed = new MessageSettlement(Topics.CHUNK_FAILED, Subscriptions.EXPORT_TRACKER, publisher);
        fileFailed = new MessageSettlement(Topics.FILE_FAILED, Subscriptions.EXPORT_TRACKER, publisher);
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
