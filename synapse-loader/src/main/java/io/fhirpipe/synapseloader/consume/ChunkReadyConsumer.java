package io.fhirpipe.synapseloader.consume;

import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.messaging.Announcement;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.DeadLetterReason;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import io.fhirpipe.synapseloader.messaging.LoaderChannels;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code chunk.ready} (queue {@code chunk-ready::chunk-ready.synapse-loader}): loads the
 * chunk, publishes {@code chunk.loaded} once the load is committed (also for a redelivered chunk,
 * with the ledger's figures and the same event id), then acks. A chunk that can never load gets
 * {@code chunk.failed} and is dead-lettered with its reason (one {@link DeadLetterReason} for both),
 * and so does one whose transient failure outlasts the subscription's deliveries; an invalid message is dead-lettered; anything else is
 * abandoned for redelivery. Several deliveries run at once (the {@value #WORKER_POOL}
 * pool), so one chunk is downloaded and screened while another holds the warehouse lock.
 */
@ApplicationScoped
public class ChunkReadyConsumer {

    public static final String CHANNEL = "chunk-ready";
    public static final String SOURCE = "/fhirpipe/synapse-loader";
    /** The worker pool; smallrye.messaging.worker.chunk-loads.max-concurrency bounds the chunks in flight. */
    public static final String WORKER_POOL = "chunk-loads";

    @Inject
    ChunkLoader loader;

    @Inject
    MessageSettlement settlement;

    @Inject
    @Named(LoaderChannels.CHUNK_LOADED_OUT)
    CloudEventPublisher chunkLoaded;

    @Inject
    @Named(LoaderChannels.CHUNK_FAILED_OUT)
    CloudEventPublisher chunkFailed;

    @Incoming(CHANNEL)
    @Blocking(value = WORKER_POOL, ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try (MessageWork work = MessageWork.start(message, CHANNEL)) {
            return process(message, work);
        }
    }

    private CompletionStage<Void> process(Message<Object> message, MessageWork work) {
        ChunkReady chunk;
        try {
            chunk = MessageCodec.decode(IncomingBodies.text(message), MessageType.CHUNK_READY, ChunkReady.class)
                    .data();
        } catch (RuntimeException invalid) {
            return settlement.settle(message, invalid);
        }
        work.exportId(chunk.exportId()).chunkId(chunk.chunkBlob());
        LoadReport report;
        PipelineMetrics.StageTimer timer = PipelineMetrics.time("load");
        try {
            ChunkReady ready = chunk;
            report = Tracing.inSpan("load chunk", SpanKind.INTERNAL, span -> {
                span.setAttribute(Tracing.RESOURCE_TYPE, String.valueOf(ready.resourceType()));
                return loader.load(ready);
            });
            timer.stop(report.alreadyLoaded() ? "already-loaded" : "ok");
        } catch (RuntimeException failure) {
            timer.stop("failed");
            // a chunk that can never load, or whose transient failure outlasts the subscription's
            // deliveries: chunk.failed first, so the tracker hears of it, then the dead letter
            return settlement.settle(message, failure, Announcement.of(chunkFailed, why -> chunkFailed(chunk, why)));
        }
        if (!report.alreadyLoaded()) {
            // a redelivery of a chunk in the ledger moved no rows
            PipelineMetrics.loaded(chunk.resourceType(), report.rowsLoaded(), report.rowsRejected());
        }
        try {
            chunkLoaded.publishAndWait(CloudEvent.of(
                    MessageType.CHUNK_LOADED,
                    SOURCE,
                    new ChunkLoaded(
                            chunk.exportId(),
                            chunk.resourceType(),
                            chunk.chunkBlob(),
                            report.rowsLoaded(),
                            report.rowsRejected(),
                            report.loadedAt()),
                    report.loadedAt()));
        } catch (RuntimeException notSent) {
            // The rows are in (the ledger says so): never announce chunk.failed for this chunk. A
            // redelivery announces chunk.loaded from the ledger.
            return settlement.settle(message, notSent);
        }
        return settlement.settle(message, null);
    }

    /** None for a chunk this loader does not serve: it is another loader's, which loads it. */
    private static CloudEvent<ChunkFailed> chunkFailed(ChunkReady chunk, DeadLetterReason why) {
        if (ChunkLoader.RESOURCE_TYPE_NOT_SERVED.equals(why.reason())) {
            return null;
        }
        Instant now = Instant.now();
        return CloudEvent.of(
                MessageType.CHUNK_FAILED,
                SOURCE,
                new ChunkFailed(chunk.exportId(), chunk.resourceType(), chunk.chunkBlob(), why.text(), now),
                now);
    }
}
