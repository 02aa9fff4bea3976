package io.fhirpipe.synapseloader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What /q/metrics shows after the loader took in a chunk and dead-lettered another. The counters
 * are the service's since it started (other tests load too), so each assertion is on the change.
 */
@QuarkusTest
@QuarkusTestResource(value = LoaderTestStack.class, restrictToAnnotatedClass = false)
class LoaderMetricsTest {

    static final Map<String, String> CHUNK_READY =
            Map.of("topic", Topics.CHUNK_READY, "subscription", Subscriptions.SYNAPSE_LOADER);

    @TestHTTPResource("/")
    URL root;

    @Test
    void aLoadedChunkCountsItsRowsPerTypeItsDurationAndTheHandledMessage() {
        ServiceProbes service = new ServiceProbes(root.toString());
        Map<String, String> loadedEncounters = Map.of("resource_type", "Encounter", "outcome", "loaded");
        Map<String, String> rejectedEncounters = Map.of("resource_type", "Encounter", "outcome", "rejected");
        double loadedBefore = service.metric("fhirpipe_loader_rows_total", loadedEncounters);
        double rejectedBefore = service.metric("fhirpipe_loader_rows_total", rejectedEncounters);
        double handledBefore = service.metric("fhirpipe_messages_handled_total", CHUNK_READY);
        double loadsBefore = service.metric("fhirpipe_stage_duration_seconds_count", Map.of("stage", "load"));

        ChunkReady chunk = SynapseLoaderTest.chunk(
                "exp-metrics/Encounter-0.ndjson",
                "Encounter",
                0,
                SynapseLoaderTest.lines(List.of(
                        Synthetic.encounter("met-e1", 1, "met-p1", "2024-05-01T10:00:00Z"),
                        Synthetic.encounter("met-e2", 2, "met-p1", "2024-05-01T10:00:00Z"),
                        "{\"resourceType\":\"Encounter\",\"id\":\"met-bad\",",
                        Synthetic.encounter("met-e3", 3, "met-p2", "2024-05-01T10:00:00Z"))));
        ChunkLoaded loaded = SynapseLoaderTest.deliverAndAwait(chunk);
        assertThat(loaded.rowsLoaded()).isEqualTo(3);
        assertThat(loaded.rowsRejected()).isEqualTo(1);

        assertThat(service.metric("fhirpipe_loader_rows_total", loadedEncounters) - loadedBefore)
                .isEqualTo(3);
        assertThat(service.metric("fhirpipe_loader_rows_total", rejectedEncounters) - rejectedBefore)
                .isEqualTo(1);
        // settled (acked) just after chunk.loaded is published
        service.awaitMetric(
                "fhirpipe_messages_handled_total", CHUNK_READY, v -> v >= handledBefore + 1, Duration.ofSeconds(10));
        assertThat(service.metric("fhirpipe_stage_duration_seconds_count", Map.of("stage", "load")) - loadsBefore)
                .isGreaterThanOrEqualTo(1);
        assertThat(service.get("/q/metrics").body()).contains("fhirpipe_stage_duration_seconds_bucket{");
    }

    @Test
    void aDeadLetteredChunkIsCountedWithItsReason() {
        ServiceProbes service = new ServiceProbes(root.toString());
        Map<String, String> notFound = new java.util.HashMap<>(CHUNK_READY);
        notFound.put("reason", ChunkFailure.CHUNK_NOT_FOUND);
        double before = service.metric("fhirpipe_messages_dead_lettered_total", notFound);

        ChunkReady missing = new ChunkReady(
                "exp-met-missing",
                "Patient",
                "exp-met-missing/Patient-0.ndjson",
                "0x1",
                "exp-met-missing/Patient-0/0x1/000000.ndjson",
                0,
                1,
                10,
                "0".repeat(64));
        LoaderTestStack.amqp.send(
                Topics.CHUNK_READY,
                MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", missing, Instant.now())),
                Map.of("exportId", "exp-met-missing", "resourceType", "Patient"));
        SynapseLoaderTest.awaitMatching(
                SynapseLoaderTest.DEAD_LETTERS, m -> m.body().contains(missing.chunkBlob()));

        assertThat(service.metric("fhirpipe_messages_dead_lettered_total", notFound) - before)
                .isEqualTo(1);
    }
}
