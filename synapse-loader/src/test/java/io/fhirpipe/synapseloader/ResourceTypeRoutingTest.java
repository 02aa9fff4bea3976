package io.fhirpipe.synapseloader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A loader limited to Observations, routed as application.properties documents: a receiver
 * selector on resourceType. The Patient chunk is neither loaded nor dead-lettered nor lost: it
 * stays in the subscription queue for a loader that serves Patients.
 */
@QuarkusTest
@TestProfile(ResourceTypeRoutingTest.ObservationsOnly.class)
public class ResourceTypeRoutingTest {

    public static class ObservationsOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "fhirpipe.loader.resource-types",
                    "Observation",
                    "mp.messaging.incoming.chunk-ready.selector",
                    "resourceType IN ('Observation')");
        }
    }

    @Test
    void onlyTheServedTypeIsTakenAndTheOtherStaysQueued() {
        ChunkReady patient = SynapseLoaderTest.chunk(
                "exp-route/Patient-0.ndjson",
                "Patient",
                0,
                SynapseLoaderTest.lines(List.of(Synthetic.patient("route-p", 1, "1", "2024-05-01T10:00:00Z"))));
        String patientBody =
                MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", patient, Instant.now()));
        LoaderTestStack.amqp.send(
                SynapseLoaderTest.CHUNK_READY,
                patientBody,
                Map.of("exportId", patient.exportId(), "resourceType", "Patient"));
        ChunkLoaded loaded = SynapseLoaderTest.deliverAndAwait(SynapseLoaderTest.chunk(
                "exp-route/Observation-0.ndjson",
                "Observation",
                0,
                SynapseLoaderTest.lines(
                        List.of(Synthetic.observation("route-o", 1, "route-p", "2024-05-01T10:00:00Z")))));
        assertThat(loaded.rowsLoaded()).isEqualTo(1);
        assertThat(LoaderTestStack.broker.messageCount("chunk-ready.synapse-loader"))
                .isEqualTo(1);
        assertThat(LoaderTestStack.amqp.browse(SynapseLoaderTest.DEAD_LETTERS, Duration.ofMillis(500)))
                .noneMatch(m -> m.body().contains("exp-route"));
    }
}
