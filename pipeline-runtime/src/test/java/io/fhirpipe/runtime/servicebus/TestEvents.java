package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import java.time.Instant;

final class TestEvents {

    private TestEvents() {}

    static CloudEvent<ChunkReady> chunkReady() {
        return CloudEvent.of(
                MessageType.CHUNK_READY,
                "/fhirpipe/test",
                new ChunkReady(
                        "exp-1",
                        "Observation",
                        "exp-1/Observation-0.ndjson",
                        "0x8DD1",
                        "exp-1/Observation/Observation-0/000000.ndjson",
                        0,
                        10,
                        1000,
                        "0".repeat(64)),
                Instant.parse("2026-12-03T12:00:00Z"));
    }
}
