package io.fhirpipe.exporttrigger;

import static org.awaitility.Awaitility.await;

import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** For the tracker's tests: a real accepted run, and the later steps' events posted as they would post them. */
public final class PipelineEvents {

    public static final Instant NOW = Instant.parse("2026-11-26T09:30:00Z");
    public static final Duration WAIT = Duration.ofSeconds(20);

    private PipelineEvents() {}

    /** Kicks off a group export through the REST API against the recorded server; waits until accepted. */
    public static String acceptedExport(ExportRunStore runs, String groupId) {
        TriggerTestStack.fhir.enqueue(
                "GET", "/fhir/Group/" + groupId + "/$export", RecordedResponse.fixture("01-system-kickoff"));
        String exportId = ExportTriggerTest.requestGroupExport(groupId);
        await().atMost(WAIT)
                .until(() -> runs.find(exportId)
                        .map(r -> r.status() == ExportRunStatus.ACCEPTED)
                        .orElse(false));
        return exportId;
    }

    public static void post(String topic, MessageType type, EventData data) {
        TriggerTestStack.amqp.send(
                topic,
                MessageCodec.encode(CloudEvent.of(type, "/test", data, NOW)),
                Map.of("exportId", data.exportId()));
    }
}
