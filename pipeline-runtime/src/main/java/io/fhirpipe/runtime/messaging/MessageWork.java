package io.fhirpipe.runtime.messaging;

import io.fhirpipe.runtime.logging.LogContext;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The handling of one incoming message, on either transport: a consumer span that continues the
 * trace the message carries ({@link Tracing#TRACEPARENT} in its application properties; a message
 * without one starts a trace), current while the consumer works, so whatever it publishes carries
 * the same trace on ({@link BrokerSends}); and the export id (and chunk id) in the logging MDC
 * ({@link LogContext}) for every line of the work. Open it first thing in a consumer, on the thread
 * that does the work, and close it when the message is settled:
 *
 * <pre>{@code
 * try (MessageWork work = MessageWork.start(message, CHANNEL)) {
 *     ChunkReady chunk = decode(message);
 *     work.chunkId(chunk.chunkBlob());
 *     ...
 *     return settlement.settle(message, null);
 * }
 * }</pre>
 */
public final class MessageWork implements AutoCloseable {

    private final Span span;
    private final Scope scope;
    private final Object exportIdBefore;
    private final Object chunkIdBefore;

    private MessageWork(Span span, Scope scope, Object exportIdBefore, Object chunkIdBefore) {
        this.span = span;
        this.scope = scope;
        this.exportIdBefore = exportIdBefore;
        this.chunkIdBefore = chunkIdBefore;
    }

    public static MessageWork start(Message<?> message, String channel) {
        Function<String, Object> properties = applicationProperties(message);
        Span span = Tracing.tracer()
                .spanBuilder("process " + channel)
                .setParent(Tracing.extract(properties))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(Tracing.MESSAGING_DESTINATION, channel)
                .setAttribute(Tracing.MESSAGING_OPERATION, "process")
                .setAttribute(Tracing.MESSAGING_MESSAGE_ID, IncomingBodies.messageId(message))
                .startSpan();
        Scope scope = span.makeCurrent();
        Object exportIdBefore = LogContext.put(LogContext.EXPORT_ID, null);
        Object chunkIdBefore = LogContext.put(LogContext.CHUNK_ID, null);
        MessageWork work = new MessageWork(span, scope, exportIdBefore, chunkIdBefore);
        Object exportId = properties.apply(MessageProperties.EXPORT_ID);
        if (exportId != null) {
            work.exportId(exportId.toString());
        }
        Object chunkId = properties.apply(MessageProperties.CHUNK_ID);
        if (chunkId != null) {
            work.chunkId(chunkId.toString());
        }
        return work;
    }

    /** The export this message is about, once the body says it (a hand-posted message may lack the property). */
    public MessageWork exportId(String exportId) {
        LogContext.put(LogContext.EXPORT_ID, exportId);
        if (exportId != null) {
            span.setAttribute(Tracing.EXPORT_ID, exportId);
        }
        return this;
    }

    /** The chunk this message is about, where there is one. */
    public MessageWork chunkId(String chunkId) {
        LogContext.put(LogContext.CHUNK_ID, chunkId);
        if (chunkId != null) {
            span.setAttribute(Tracing.CHUNK_ID, chunkId);
        }
        return this;
    }

    @Override
    public void close() {
        LogContext.restore(LogContext.EXPORT_ID, exportIdBefore);
        LogContext.restore(LogContext.CHUNK_ID, chunkIdBefore);
        scope.close();
        span.end();
    }

    /** A message's application properties, whichever connector delivered it. */
    static Function<String, Object> applicationProperties(Message<?> message) {
        java.util.Optional<IncomingAmqpMetadata> amqp = message.getMetadata(IncomingAmqpMetadata.class);
        if (amqp.isPresent()) {
            io.vertx.core.json.JsonObject properties = amqp.get().getProperties();
            return key -> properties == null ? null : properties.getValue(key);
        }
        Map<String, Object> properties = BrokerDelivery.of(message)
                .map(BrokerDelivery::applicationProperties)
                .orElse(Map.of());
        return properties::get;
    }
}
