package io.fhirpipe.exporttrigger.tracking;

import io.fhirpipe.exporttrigger.messaging.TrackerSettlements;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The tracker's five subscriptions. Each channel is processed in order (one message at a time per
 * topic) so that the progress document sees little contention; the ETag check covers the rest.
 */
@ApplicationScoped
class TrackerConsumers {

    @Inject
    ExportTracker tracker;

    @Inject
    TrackerSettlements settlements;

    @Incoming("export-completed")
    @Blocking
    public CompletionStage<Void> completed(Message<Object> message) {
        return handle(
                message,
                settlements.exportCompleted(),
                body -> tracker.onCompleted(
                        MessageCodec.decode(body, MessageType.EXPORT_COMPLETED, ExportCompleted.class)
                                .data()));
    }

    @Incoming("export-failed")
    @Blocking
    public CompletionStage<Void> failed(Message<Object> message) {
        return handle(
                message,
                settlements.exportFailed(),
                body -> tracker.onFailed(MessageCodec.decode(body, MessageType.EXPORT_FAILED, ExportFailed.class)
                        .data()));
    }

    @Incoming("split-completed")
    @Blocking
    public CompletionStage<Void> split(Message<Object> message) {
        return handle(
                message,
                settlements.splitCompleted(),
                body -> tracker.onSplit(MessageCodec.decode(body, MessageType.SPLIT_COMPLETED, SplitCompleted.class)
                        .data()));
    }

    @Incoming("chunk-loaded")
    @Blocking
    public CompletionStage<Void> chunkLoaded(Message<Object> message) {
        return handle(
                message,
                settlements.chunkLoaded(),
                body -> tracker.onChunkLoaded(MessageCodec.decode(body, MessageType.CHUNK_LOADED, ChunkLoaded.class)
                        .data()));
    }

    @Incoming("chunk-failed")
    @Blocking
    public CompletionStage<Void> chunkFailed(Message<Object> message) {
        return handle(
                message,
                settlements.chunkFailed(),
                body -> tracker.onChunkFailed(MessageCodec.decode(body, MessageType.CHUNK_FAILED, ChunkFailed.class)
                        .data()));
    }

    @Incoming("file-failed")
    @Blocking
    public CompletionStage<Void> fileFailed(Message<Object> message) {
        return handle(
                message,
                settlements.fileFailed(),
                body -> tracker.onFileFailed(MessageCodec.decode(body, MessageType.FILE_FAILED, FileFailed.class)
                        .data()));
    }

    private static CompletionStage<Void> handle(
            Message<Object> message, MessageSettlement settlement, Consumer<String> work) {
        try (MessageWork ignored = MessageWork.start(message, settlement.topic())) {
            work.accept(IncomingBodies.text(message));
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(message, failure);
        }
    }
}
