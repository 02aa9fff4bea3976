package io.fhirpipe.exportpoller.transfer;

import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/**
 * Consumes {@code export-file-ready} (subscription export-transfer): the message is acked only
 * once the file is committed and its BlobCreated event is on the broker; a transient failure
 * abandons it for redelivery, a permanent one dead-letters it with the reason.
 */
@ApplicationScoped
public class FileReadyConsumer {

    public static final String CHANNEL = "export-file-ready";
    /**
     * Transfers run on their own worker pool, bounded by smallrye.messaging.worker.transfers.max-concurrency:
     * each holds (upload-concurrency + 1) blocks of memory, so this bound is what bounds the total.
     */
    public static final String POOL = "transfers";

    @Inject
    FileReadyHandler handler;

    @Inject
    @Named(PollerChannels.FILE_READY_SETTLEMENT)
    MessageSettlement settlement;

    @Incoming(CHANNEL)
    @Blocking(value = POOL, ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try {
            String body = IncomingBodies.text(message);
            @SuppressWarnings("unchecked")
            CloudEvent<FileReady> event = (CloudEvent<FileReady>) (CloudEvent<?>) MessageCodec.decode(body,
                    MessageType.EXPORT_FILE_READY);
            handler.handle(event.data());
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(message, failure);
        }
    }
}
