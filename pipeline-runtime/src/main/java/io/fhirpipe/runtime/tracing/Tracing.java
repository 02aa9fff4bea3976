package io.fhirpipe.runtime.tracing;

import io.fhirpipe.runtime.logging.LogValues;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The services' spans and the W3C trace context that carries one export's trace from service to
 * service in message application properties ({@value #TRACEPARENT}, {@value #TRACESTATE}). The
 * tracer is the global one, which quarkus-opentelemetry installs; without it (or with
 * {@code quarkus.otel.sdk.disabled=true}) every call here is a cheap no-op.
 *
 * <p>W3C is used directly rather than the configured propagators: the property names are part of
 * the message contract (a person can replay a message with its traceparent), whatever a deployment
 * configures for HTTP.
 */
public final class Tracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String INSTRUMENTATION = "io.fhirpipe";

    public static final AttributeKey<String> EXPORT_ID = AttributeKey.stringKey("fhirpipe.export_id");
    public static final AttributeKey<String> CHUNK_ID = AttributeKey.stringKey("fhirpipe.chunk_id");
    public static final AttributeKey<String> RESOURCE_TYPE = AttributeKey.stringKey("fhirpipe.resource_type");
    public static final AttributeKey<String> FHIR_SERVER = AttributeKey.stringKey("fhirpipe.fhir_server");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> MESSAGING_DESTINATION =
            AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

    private static final TextMapGetter<Function<String, Object>> PROPERTIES = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, Object> carrier) {
            return java.util.List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(Function<String, Object> carrier, String key) {
            Object value = carrier == null ? null : carrier.apply(key);
            return value == null ? null : value.toString();
        }
    };

    private Tracing() {}

    public static Tracer tracer() {
        return GlobalOpenTelemetry.getTracer(INSTRUMENTATION);
    }

    /** The current span's context as message properties; empty when no span is being recorded. */
    public static Map<String, String> currentContext() {
        Map<String, String> properties = new LinkedHashMap<>();
        inject(Context.current(), properties::put);
        return properties;
    }

    static void inject(Context context, BiConsumer<String, String> property) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return;
        }
        W3CTraceContextPropagator.getInstance().inject(context, property, BiConsumer::accept);
    }

    /**
     * The context a message carries: the root context with the sender's span as remote parent, or
     * the root context alone when the message has none (posted by hand, or sent with tracing off).
     * The current context is deliberately not the base: a consumer's work continues the export's
     * trace, not whatever the delivering thread had.
     */
    public static Context extract(Function<String, Object> properties) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), properties, PROPERTIES);
    }

    /** Work that may throw. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run(Span span) throws E;
    }

    /**
     * Runs {@code work} in a new span, child of the current one: a failure is recorded on the span
     * (status ERROR and the exception) and rethrown as it was.
     */
    public static <T, E extends Exception> T inSpan(String name, SpanKind kind, Work<T, E> work) throws E {
        Span span = tracer().spanBuilder(name).setSpanKind(kind).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.run(span);
        } catch (Exception | Error failure) {
            failed(span, failure);
            throw failure;
        } finally {
            span.end();
        }
    }

    /**
     * Marks a span failed with what went wrong: the exception's type and its own message, escaped and cut
     * like a log value, as the services' log lines show it. Not {@code recordException}: its stack trace
     * would carry the messages of every cause, which no log line shows (a library's cause may quote a
     * connection string or a URL with its query).
     */
    public static void failed(Span span, Throwable failure) {
        Throwable shown = failure;
        while (shown instanceof java.util.concurrent.CompletionException && shown.getCause() != null) {
            shown = shown.getCause();
        }
        span.setStatus(StatusCode.ERROR, shown.getClass().getSimpleName());
        span.addEvent(
                "exception",
                Attributes.of(
                        EXCEPTION_TYPE,
                        shown.getClass().getName(),
                        EXCEPTION_MESSAGE,
                        LogValues.escaped(shown.getMessage())));
    }
}
