package io.fhirpipe.ndjsonsplitter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.fhirpipe.testsupport.broker.MatchingReceiver;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #15, tracing in a running service: the splitter handles a {@code blob-created} message in the
 * trace its {@code traceparent} names (the poller's, on the local stack), and the {@code chunk.ready}
 * and {@code split.completed} it publishes carry that trace on to the loader and the tracker.
 */
@QuarkusTest
@TestProfile(SplitterTracingTest.TracingOn.class)
class SplitterTracingTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String SENDER_SPAN = "b7ad6b7169203331";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aBlobCreatedMessageIsSplitInTheTraceItCarriesAndWhatItPublishesCarriesItOn() throws Exception {
        String exportId = "exp-traced";
        String name = exportId + "/Patient-0.ndjson";
        String etag = NdjsonSplitterTest.upload(
                name,
                ("{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n" + "{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED,
                NdjsonSplitterTest.eventGridBlobCreated("PutBlob", name, etag),
                Map.of(Tracing.TRACEPARENT, "00-" + TRACE_ID + "-" + SENDER_SPAN + "-01", "exportId", exportId));

        MatchingReceiver receiver = new MatchingReceiver(SplitterTestStack.amqp, Duration.ofSeconds(30));
        ReceivedMessage chunk =
                receiver.await(NdjsonSplitterTest.CHUNK_READY_QUEUE, m -> exportId.equals(m.property("exportId")));
        ReceivedMessage split =
                receiver.await(NdjsonSplitterTest.SPLIT_COMPLETED_QUEUE, m -> exportId.equals(m.property("exportId")));
        assertThat((String) chunk.property(Tracing.TRACEPARENT)).startsWith("00-" + TRACE_ID + "-");
        assertThat((String) split.property(Tracing.TRACEPARENT)).startsWith("00-" + TRACE_ID + "-");

        List<SpanData> traced = awaitSpans(TRACE_ID, 4);
        SpanData consumer = traced.stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .findFirst()
                .orElseThrow();
        assertThat(consumer.getName()).isEqualTo("process blob-created");
        assertThat(consumer.getParentSpanId()).isEqualTo(SENDER_SPAN);
        assertThat(consumer.getAttributes().get(Tracing.EXPORT_ID)).isEqualTo(exportId);
        assertThat(traced).extracting(SpanData::getName).contains("split Patient file");
        assertThat(traced.stream().filter(s -> s.getKind() == SpanKind.PRODUCER).count())
                .as("chunk.ready and split.completed")
                .isGreaterThanOrEqualTo(2);
    }

    private List<SpanData> awaitSpans(String traceId, int atLeast) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        List<SpanData> traced;
        do {
            Thread.sleep(100);
            traced = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId))
                    .toList();
        } while (traced.size() < atLeast && Instant.now().isBefore(deadline));
        return traced;
    }
}
