package io.fhirpipe.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.regex.Pattern;

/**
 * fhirpipe's meters, named once here (the README's Operating section lists them). They live on
 * Micrometer's global registry, which Quarkus binds to the service's Prometheus registry
 * ({@code /q/metrics}): the classes that count are plain objects built by each service's wiring, and
 * the global registry spares every constructor a registry parameter; outside Quarkus (unit tests,
 * benchmarks) the global registry has no backing registry and counting costs nothing.
 *
 * <p>Tag values are bounded: topics, subscriptions, stages and outcomes are fhirpipe's own names,
 * failure reasons are codes ({@code InvalidMessage}, {@code DeliveryLimitReached}, ...), resource
 * types outside the FHIR naming pattern become {@code other}, server names come from configuration.
 * Never a URL, an id or a message text.
 */
public final class PipelineMetrics {

    /** Messages settled successfully (acked), per {@code topic} and {@code subscription}. */
    public static final String MESSAGES_HANDLED = "fhirpipe.messages.handled";
    /** Messages abandoned after a transient failure (the broker delivers them again), with {@code reason}. */
    public static final String MESSAGES_FAILED = "fhirpipe.messages.failed";
    /** Messages dead-lettered, with {@code reason}. */
    public static final String MESSAGES_DEAD_LETTERED = "fhirpipe.messages.dead.lettered";
    /** Time a stage spent on one unit of work, per {@code stage} and {@code outcome} (histogram). */
    public static final String STAGE_DURATION = "fhirpipe.stage.duration";
    /** Bytes the transfer landed, per {@code resource_type}. */
    public static final String TRANSFER_BYTES = "fhirpipe.transfer.bytes";
    /** Resources (NDJSON lines) the transfer landed, per {@code resource_type}. */
    public static final String TRANSFER_RESOURCES = "fhirpipe.transfer.resources";
    /** Lines the splitter read, per {@code resource_type} and {@code outcome} (accepted / rejected). */
    public static final String SPLITTER_LINES = "fhirpipe.splitter.lines";
    /** Chunks the splitter wrote, per {@code resource_type}. */
    public static final String SPLITTER_CHUNKS = "fhirpipe.splitter.chunks";
    /** Rows the loader took in, per {@code resource_type} and {@code outcome} (loaded / rejected). */
    public static final String LOADER_ROWS = "fhirpipe.loader.rows";
    /** Answers of FHIR servers, per {@code server}, {@code operation} and {@code status} (or the failure). */
    public static final String FHIR_RESPONSES = "fhirpipe.fhir.responses";
    /** Export runs entering a state, per {@code status} (REQUESTED, ACCEPTED, EXPORTED, LOADED, ...). */
    public static final String EXPORT_TRANSITIONS = "fhirpipe.exports.transitions";

    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    private PipelineMetrics() {}

    static MeterRegistry registry() {
        return Metrics.globalRegistry;
    }

    public static void messageHandled(String topic, String subscription) {
        registry()
                .counter(MESSAGES_HANDLED, "topic", topic, "subscription", subscription)
                .increment();
    }

    public static void messageFailed(String topic, String subscription, String reason) {
        registry()
                .counter(MESSAGES_FAILED, "topic", topic, "subscription", subscription, "reason", reason)
                .increment();
    }

    public static void messageDeadLettered(String topic, String subscription, String reason) {
        registry()
                .counter(MESSAGES_DEAD_LETTERED, "topic", topic, "subscription", subscription, "reason", reason)
                .increment();
    }

    /** Starts timing a unit of work of a stage; {@link StageTimer#stop} records it. */
    public static StageTimer time(String stage) {
        return new StageTimer(stage, System.nanoTime());
    }

    public static void transferred(String resourceType, long bytes, long resources) {
        counter(TRANSFER_BYTES, "resource_type", resourceType(resourceType)).increment(bytes);
        counter(TRANSFER_RESOURCES, "resource_type", resourceType(resourceType)).increment(resources);
    }

    public static void split(String resourceType, long acceptedLines, long rejectedLines, long chunks) {
        String type = resourceType(resourceType);
        counter(SPLITTER_LINES, "resource_type", type, "outcome", "accepted").increment(acceptedLines);
        counter(SPLITTER_LINES, "resource_type", type, "outcome", "rejected").increment(rejectedLines);
        counter(SPLITTER_CHUNKS, "resource_type", type).increment(chunks);
    }

    public static void loaded(String resourceType, long loadedRows, long rejectedRows) {
        String type = resourceType(resourceType);
        counter(LOADER_ROWS, "resource_type", type, "outcome", "loaded").increment(loadedRows);
        counter(LOADER_ROWS, "resource_type", type, "outcome", "rejected").increment(rejectedRows);
    }

    /**
     * @param status the HTTP status, or what happened instead ({@code timeout}, {@code refused},
     *               {@code error})
     */
    public static void fhirResponse(String server, String operation, String status) {
        counter(FHIR_RESPONSES, "server", server, "operation", operation, "status", status)
                .increment();
    }

    /** A request to a FHIR server that got no answer: status {@code timeout} or {@code unreachable}. */
    public static void fhirUnanswered(String server, String operation, Throwable why) {
        fhirResponse(server, operation, why instanceof java.net.http.HttpTimeoutException ? "timeout" : "unreachable");
    }

    public static void exportTransition(String status) {
        counter(EXPORT_TRANSITIONS, "status", status).increment();
    }

    /** A resource type as a tag value: FHIR's naming pattern, anything else {@code other}. */
    static String resourceType(String resourceType) {
        return resourceType != null && RESOURCE_TYPE.matcher(resourceType).matches() ? resourceType : "other";
    }

    private static Counter counter(String name, String... tags) {
        return registry().counter(name, tags);
    }

    /** One unit of a stage's work being timed. */
    public record StageTimer(String stage, long startNanos) {

        /** @param outcome {@code ok}, {@code failed}, ... */
        public void stop(String outcome) {
            Timer.builder(STAGE_DURATION)
                    .tags("stage", stage, "outcome", outcome)
                    .publishPercentileHistogram()
                    // a chunk load or a transfer takes milliseconds to many minutes; fewer buckets than the default
                    .minimumExpectedValue(java.time.Duration.ofMillis(1))
                    .maximumExpectedValue(java.time.Duration.ofHours(1))
                    .register(registry())
                    .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
