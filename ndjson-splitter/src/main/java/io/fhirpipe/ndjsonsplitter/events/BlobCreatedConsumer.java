package io.fhirpipe.ndjsonsplitter.events;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.ndjsonsplitter.messaging.SplitterChannels;
import io.fhirpipe.ndjsonsplitter.split.LandingFileSplitter;
import io.fhirpipe.ndjsonsplitter.split.SplitReport;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.messaging.Announcement;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.DeadLetterReason;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code blob-created}: each finished landing file is split and announced before the
 * message is acked; other events are acked and ignored; a foreign URL or a name outside the layout
 * is dead-lettered with its reason; storage or broker trouble abandons the message for redelivery.
 * A landing file that can never be split is announced with {@code file.failed} (with its
 * {@link DeadLetterReason}) before its message is dead-lettered, so the export's tracker stops
 * waiting for its chunks; so is every file still unsplit when the message's last delivery fails.
 */
@ApplicationScoped
public class BlobCreatedConsumer {

    public static final String CHANNEL = "blob-created";
    private static final Logger LOG = Logger.getLogger(BlobCreatedConsumer.class);

    @Inject
    BlobCreatedEvents events;

    @Inject
    LandingFileSplitter splitter;

    @Inject
    MessageSettlement settlement;

    @Inject
    @Named(SplitterChannels.FILE_FAILED_OUT)
    CloudEventPublisher fileFailed;

    @Incoming(CHANNEL)
    // A named pool bounds how many files are split at once (smallrye.messaging.worker.splits.max-concurrency):
    // on the default worker pool every landed file was split at the same time and the heap ran out.
    @Blocking(value = "splits", ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try (MessageWork ignored = MessageWork.start(message, CHANNEL)) {
            return process(message);
        }
    }

    private CompletionStage<Void> process(Message<Object> message) {
        // files of this message that failed transiently: announced only if the message is given up
        List<LandingBlob> unsplit = new ArrayList<>();
        try {
            handle(IncomingBodies.text(message), unsplit);
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(
                    message,
                    failure,
                    new Announcement(
                            fileFailed,
                            why -> unsplit.stream()
                                    .<CloudEvent<?>>map(blob -> fileFailed(blob, why))
                                    .toList()));
        }
    }

    /** The one path of every storage event: the webhook puts what it is pushed onto this topic too. */
    private void handle(String body, List<LandingBlob> unsplit) {
        // the same file (and generation) named twice in one message is split and announced once
        List<BlobCreatedAction> actions =
                events.actions(body).stream().distinct().toList();
        // Every file of a batch (Event Grid pushes arrays) is tried: one that cannot be split must not
        // keep the others from being split. A transient failure wins, so the redelivery retries it
        // (the files already split are split again with the same names and event ids).
        RuntimeException failed = null;
        for (BlobCreatedAction action : actions) {
            if (action instanceof BlobCreatedAction.Split split) {
                PipelineMetrics.StageTimer timer = PipelineMetrics.time("split");
                try {
                    // reads the landing file and writes its chunks: the storage transfers of this step
                    SplitReport report = Tracing.inSpan(
                            "split " + split.blob().resourceType() + " file", SpanKind.INTERNAL, span -> {
                                span.setAttribute(
                                        Tracing.EXPORT_ID,
                                        String.valueOf(split.blob().exportId()));
                                return splitter.split(split.blob(), split.etag());
                            });
                    timer.stop(report.superseded() ? "superseded" : "ok");
                    if (!report.superseded()) {
                        PipelineMetrics.split(
                                split.blob().resourceType(),
                                report.chunks().stream()
                                        .mapToLong(ChunkReady::lineCount)
                                        .sum(),
                                report.completed().rejectedLines(),
                                report.chunks().size());
                    }
                } catch (RuntimeException failure) {
                    timer.stop("failed");
                    boolean permanent = FailureClassifier.classify(failure) == FailureKind.PERMANENT;
                    if (permanent) {
                        // given up now, whatever happens to the rest of the batch
                        Announcement.of(fileFailed, why -> fileFailed(split.blob(), why))
                                .publish(DeadLetterReason.of(failure));
                    } else {
                        unsplit.add(split.blob());
                    }
                    if (failed == null || (!permanent && FailureClassifier.classify(failed) == FailureKind.PERMANENT)) {
                        failed = failure;
                    }
                }
            } else if (action instanceof BlobCreatedAction.Ignore ignore) {
                // why() quotes every value that came with the event
                LOG.debugf("ignoring storage event: %s", ignore.why());
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static CloudEvent<FileFailed> fileFailed(LandingBlob blob, DeadLetterReason why) {
        Instant now = Instant.now();
        return CloudEvent.of(
                MessageType.FILE_FAILED,
                LandingFileSplitter.SOURCE,
                new FileFailed(
                        blob.exportId(),
                        blob.kind(),
                        blob.resourceType(),
                        blob.name(),
                        FileFailed.SPLIT,
                        why.text(),
                        now),
                now);
    }
}
