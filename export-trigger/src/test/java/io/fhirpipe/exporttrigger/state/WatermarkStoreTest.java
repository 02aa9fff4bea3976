package io.fhirpipe.exporttrigger.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.testsupport.storage.AzuriteContainer;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watermarks against a real Azurite. */
class WatermarkStoreTest {

    @RegisterExtension
    static final AzuriteContainer STATE = new AzuriteContainer("state");

    @Test
    void aWatermarkOnlyMovesForward() {
        WatermarkStore watermarks = new WatermarkStore(new JsonBlobStore(STATE.container()));
        String job = "job-" + UUID.randomUUID();
        Instant t1 = Instant.parse("2026-11-26T01:00:00Z");
        Instant t2 = Instant.parse("2026-11-26T02:00:00Z");
        assertThat(watermarks.find(job)).isEmpty();

        assertThat(watermarks.advance(job, t2, "e2", Instant.now()).transactionTime())
                .isEqualTo(t2);
        assertThat(watermarks.advance(job, t1, "e1", Instant.now()).exportId()).isEqualTo("e2");
        assertThat(watermarks.find(job).orElseThrow().transactionTime()).isEqualTo(t2);
    }
}
