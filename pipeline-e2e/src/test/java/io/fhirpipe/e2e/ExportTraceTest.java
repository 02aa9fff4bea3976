package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fhirpipe.testsupport.stack.LocalStack;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 items 3 and 4 on the local stack: with tracing on, one export is one trace across the
 * four services (their spans, sent over OTLP/HTTP to a receiver in this test, share the trace id the
 * REST call started, carried from service to service in the messages' {@code traceparent}); and the
 * services' logs of a run that used a FHIR bearer token, a storage account key and a broker
 * password contain none of them, while naming the export the work was for.
 */
class ExportTraceTest {

    static final String BEARER_TOKEN = "trace-test-bearer-7f3a9c1e5b";
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path work;

    static HttpServer receiver;
    static final List<ReceivedSpan> SPANS = new CopyOnWriteArrayList<>();
    static LocalStack stack;

    record ReceivedSpan(String service, String traceId, String name, Map<String, String> attributes) {}

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                record(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
        LocalStack.Builder builder = LocalStack.builder().workDirectory(work).seedPatients(5);
        for (String service : LocalStack.SERVICES) {
            builder.config(service, "quarkus.otel.sdk.disabled", "false")
                    .config(service, "quarkus.otel.exporter.otlp.endpoint", endpoint)
                    .config(service, "quarkus.otel.exporter.otlp.protocol", "http/protobuf")
                    .config(service, "quarkus.otel.bsp.schedule.delay", "200ms");
        }
        // the dev server ignores it, but the trigger and the poller send it with every request
        for (String service : List.of("export-trigger", "export-poller")) {
            builder.config(service, "fhirpipe.servers.local.auth.type", "bearer")
                    .config(service, "fhirpipe.servers.local.auth.token", BEARER_TOKEN);
        }
        stack = builder.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    static void record(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service =
                    attributes(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    SPANS.add(new ReceivedSpan(
                            service,
                            HexFormat.of().formatHex(span.getTraceId().toByteArray()),
                            span.getName(),
                            attributes(span.getAttributesList())));
                }
            }
        }
    }

    static Map<String, String> attributes(List<KeyValue> values) {
        return values.stream()
                .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(), (a, b) -> a));
    }

    @Test
    void oneExportIsOneTraceAcrossTheFourServicesAndTheLogsKeepTheSecrets() throws Exception {
        String exportId = Api.post(stack.triggerUrl() + "/jobs/local-demo/runs", "")
                .body()
                .path("exportId")
                .asText();
        assertThat(exportId).isNotBlank();
        JsonNode run = awaitFinal(exportId);
        assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("LOADED");

        // every span that names the export is in one trace, and all four services have spans in it
        Instant deadline = Instant.now().plusSeconds(30);
        Set<String> traces;
        Set<String> services;
        do {
            Thread.sleep(500);
            traces = SPANS.stream()
                    .filter(s -> exportId.equals(s.attributes().get("fhirpipe.export_id")))
                    .map(ReceivedSpan::traceId)
                    .collect(Collectors.toSet());
            Set<String> oneTrace = traces;
            services = SPANS.stream()
                    .filter(s -> oneTrace.contains(s.traceId()))
                    .map(ReceivedSpan::service)
                    .collect(Collectors.toSet());
        } while (!services.containsAll(LocalStack.SERVICES) && Instant.now().isBefore(deadline));
        assertThat(traces).as("trace ids of the spans of export %s", exportId).hasSize(1);
        assertThat(services).containsExactlyInAnyOrderElementsOf(LocalStack.SERVICES);
        String traceId = traces.iterator().next();
        Set<String> names = SPANS.stream()
                .filter(s -> s.traceId().equals(traceId))
                .map(s -> s.service() + ": " + s.name())
                .collect(Collectors.toSet());
        assertThat(names)
                .as("spans of the trace")
                .contains(
                        "export-trigger: FHIR $export kick-off",
                        "export-poller: GET bulk export status",
                        "export-poller: process export-file-ready",
                        "ndjson-splitter: process blob-created",
                        "synapse-loader: load chunk",
                        "export-trigger: process chunk-loaded");
        assertThat(names)
                .anyMatch(n -> n.startsWith("export-poller: transfer "))
                .anyMatch(n -> n.startsWith("synapse-loader: sql load "));

        // the logs: the export named on lines of work, no secret anywhere
        String azuriteKey = accountKey(stack.azurite().connectionString());
        String brokerPassword = stack.brokerCredentials().password();
        assertThat(azuriteKey).isNotBlank();
        assertThat(brokerPassword).isNotBlank();
        List<Path> logs;
        try (Stream<Path> files = Files.list(stack.logs())) {
            logs = files.filter(Files::isRegularFile).toList();
        }
        assertThat(logs)
                .extracting(p -> p.getFileName().toString())
                .contains("export-trigger.log", "export-poller.log", "ndjson-splitter.log", "synapse-loader.log");
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text)
                    .as(log.toString())
                    .doesNotContain(BEARER_TOKEN)
                    .doesNotContain(azuriteKey)
                    .doesNotContain(brokerPassword);
        }
        String splitterLog = Files.readString(stack.logs().resolve("ndjson-splitter.log"), StandardCharsets.UTF_8);
        assertThat(splitterLog)
                .as("a line of the splitter's work names the export")
                .contains("export=" + exportId);
    }

    static String accountKey(String connectionString) {
        for (String part : connectionString.split(";")) {
            if (part.startsWith("AccountKey=")) {
                return part.substring("AccountKey=".length());
            }
        }
        throw new AssertionError("no AccountKey in the Azurite connection string");
    }

    static JsonNode awaitFinal(String exportId) throws InterruptedException {
        Instant deadline = Instant.now().plus(LOAD_TIMEOUT);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            run = Api.get(stack.triggerUrl() + "/exports/" + exportId).body();
            String status = run.path("status").asText();
            if (status.equals("LOADED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return run;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(
                "export " + exportId + " not final within " + LOAD_TIMEOUT + ": " + run + "\nlogs in " + stack.logs());
    }
}
