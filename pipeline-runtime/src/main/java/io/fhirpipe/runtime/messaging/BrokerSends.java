package io.fhirpipe.runtime.messaging;

import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Sends through an emitter and reports when the broker has taken the message (or refused it). Every
 * message fhirpipe sends goes through here, so this is where it gets the trace context: a producer
 * span, child of the current one, whose W3C context goes into the application properties
 * ({@link Tracing#TRACEPARENT}). Both connectors carry application properties as they are (the
 * Service Bus connector also onto the copies it re-schedules), so the consumer continues the trace
 * on either transport. SmallRye AMQP's own tracing is switched off in the services
 * ({@code tracing-enabled=false}): it would replace the property with a span of its own thread.
 */
final class BrokerSends {

    private BrokerSends() {}

    /** Sends and completes when the broker has accepted (or refused) the message. */
    public static CompletionStage<Void> send(Emitter<String> emitter, String body, OutgoingAmqpMetadata metadata) {
        Span span = Tracing.tracer()
                .spanBuilder("publish " + destination(metadata))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(Tracing.MESSAGING_OPERATION, "publish")
                .startSpan();
        OutgoingAmqpMetadata.OutgoingAmqpMetadataBuilder traced = OutgoingAmqpMetadata.from(metadata);
        try (Scope ignored = span.makeCurrent()) {
            Tracing.currentContext().forEach(traced::withApplicationProperty);
        }
        if (metadata.getMessageId() != null) {
            span.setAttribute(Tracing.MESSAGING_MESSAGE_ID, metadata.getMessageId());
        }
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        try {
            emitter.send(Message.of(
                    body,
                    Metadata.of(traced.build()),
                    () -> {
                        span.end();
                        accepted.complete(null);
                        return CompletableFuture.completedFuture(null);
                    },
                    failure -> {
                        Tracing.failed(span, failure);
                        span.end();
                        accepted.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (RuntimeException refused) {
            Tracing.failed(span, refused);
            span.end();
            throw refused;
        }
        return accepted;
    }

    /** The address a message names, else its event type (the channel's topic is not known here). */
    private static String destination(OutgoingAmqpMetadata metadata) {
        if (metadata.getAddress() != null) {
            return metadata.getAddress();
        }
        Object type = metadata.getProperties() == null
                ? null
                : metadata.getProperties().getValue(MessageProperties.EVENT_TYPE);
        return type == null ? "message" : type.toString();
    }
}
