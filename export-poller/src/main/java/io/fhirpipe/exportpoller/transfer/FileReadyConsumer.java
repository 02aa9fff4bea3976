package io.fhirpipe.exportpoller.transfer;

import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.runtime.messaging.Announcement;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.DeadLetterReason;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code export-file-ready} (subscription export-transfer): the message is acked only
 * once the file is committed and its BlobCreated event is on the broker; a transient failure
 * abandons it for redelivery, a permanent one dead-letters it with the reason, after announcing
 * {@code file.failed} so the export's tracker stops waiting for the file.
 */
@ApplicationScoped
class FileReadyConsumer {

    public static final String CHANNEL = "export-file-ready";
    /**
     * Transfers run on their own worker pool, bounded by smallrye.messaging.worker.transfers.max-concurrency:
     * each holds (upload-concurrency + 1) blocks of memory, so this bound is what bounds the total.
     */
    public static final String POOL = "transfers";

    static final String SOURCE = "/fhirpipe/export-transfer";

    @Inject
    FileReadyHandler handler;

    @Inject
    @Named(PollerChannels.FILE_READY_SETTLEMENT)
    MessageSettlement settlement;

    @Inject
    @Named(PollerChannels.FILE_FAILED_OUT)
    CloudEventPublisher fileFailed;

    @Incoming(CHANNEL)
    @Blocking(value = POOL, ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try (MessageWork ignored = MessageWork.start(message, CHANNEL)) {
            return process(message);
        }
    }

    private CompletionStage<Void> process(Message<Object> message) {
        FileReady file = null;
        try {
            String body = IncomingBodies.text(message);
            @SuppressWarnings("unchecked")
            CloudEvent<FileReady> event =
                    (CloudEvent<FileReady>) (CloudEvent<?>) MessageCodec.decode(body, MessageType.EXPORT_FILE_READY);
            file = event.data();
            PipelineMetrics.StageTimer timer = PipelineMetrics.time("transfer");
            TransferRecord landed;
            try {
                landed = handler.handle(file);
            } catch (RuntimeException failure) {
                timer.stop("failed");
                throw failure;
            }
            timer.stop(landed.outcome());
            if ("landed".equals(landed.outcome())) {
                // a file landed before (a redelivery) moved nothing now
                PipelineMetrics.transferred(landed.resourceType(), orZero(landed.bytes()), orZero(landed.lines()));
            }
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            FileReady given = file;
            return settlement.settle(message, failure, Announcement.of(fileFailed, why -> fileFailed(given, why)));
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /** file.failed for a file the transfer gives up; none for a message that names no file of an export. */
    private static CloudEvent<FileFailed> fileFailed(FileReady file, DeadLetterReason why) {
        if (file == null) {
            return null;
        }
        String landing;
        try {
            landing =
                    new LandingBlob(file.exportId(), file.kind(), file.resourceType(), file.fileIndex(), false).name();
        } catch (IllegalArgumentException | NullPointerException unnamed) {
            return null; // not a file of any export the tracker can know
        }
        Instant now = Instant.now();
        return CloudEvent.of(
                MessageType.FILE_FAILED,
                SOURCE,
                new FileFailed(
                        file.exportId(),
                        file.kind(),
                        file.resourceType(),
                        landing,
                        FileFailed.TRANSFER,
                        why.text(),
                        now),
                now);
    }
}
