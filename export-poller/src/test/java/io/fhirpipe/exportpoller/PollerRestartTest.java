package io.fhirpipe.exportpoller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.exportpoller.transfer.BlobCreatedEvent;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.PollStateStore;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.fhirpipe.testsupport.fixture.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Poller and transfer together on the recorded HAPI export (70-mini-system: 9 files), with the
 * poller "restarted" mid-export. A restart in this design loses nothing held in memory (there is
 * nothing: the next poll waits on the broker as a delayed message); what it can do is leave the
 * delivery it was handling unacknowledged, which the broker then hands out again. That is what the
 * test does: after the first poll (202) the same export.accepted arrives a second time, so two
 * poll chains run, both reach the manifest, and every file-ready is published twice. The export
 * must still complete, and each file must land once: one committed generation per blob, one
 * BlobCreated event id per file.
 *
 * <p>It does not stop the Quarkus application itself (a @QuarkusTest cannot restart it while
 * keeping the broker), so an in-flight HTTP download being cut by a JVM exit is not covered here.
 */
@QuarkusTest
@QuarkusTestResource(value = PollerTestStack.class, restrictToAnnotatedClass = false)
public class PollerRestartTest {

    private static final String COMPLETED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_COMPLETED).queueAddress(Subscriptions.EXPORT_TRACKER);
    private static final String BLOB_CREATED_QUEUE =
            Topology.standard().topic(Topics.BLOB_CREATED).queueAddress(Subscriptions.NDJSON_SPLITTER);
    private static final byte[] PATIENTS = Fixtures.bulkDataBytes("04-binary-patient-noaccept.body");

    @Inject
    ExportRunStore runs;

    @Inject
    BlobServiceClient blobs;

    @Test
    void anExportWhosePollIsRedeliveredAfterARestartCompletesAndEachFileLandsOnce() throws Exception {
        String exportId = "poll-restart";
        String path = "/fhir/status/restart";
        Instant now = Instant.now();
        ExportRun requested = ExportRun.requested(
                new ExportRequested(
                        exportId,
                        "test-job",
                        "hapi",
                        ExportLevel.SYSTEM,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        now,
                        "api"),
                now);
        runs.create(new ExportRun(
                exportId,
                "test-job",
                "hapi",
                ExportRunStatus.ACCEPTED,
                requested.request(),
                null,
                1,
                now,
                now,
                null,
                requested.history()));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.poll202"));
        PollerTestStack.fhir.always("GET", path, RecordedResponse.fixture("70-mini-system.final"));
        PollerTestStack.fhir.always(
                "GET",
                "/Binary/",
                RecordedResponse.of(200)
                        .withHeader("Content-Type", "application/fhir+ndjson")
                        .withBody(PATIENTS));
        String accepted = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted(exportId, "test-job", "hapi", PollerTestStack.fhir.url("status/restart"), now, 0),
                now));

        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, accepted);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ExportPollerTest.recorded(path).size() >= 1);
        // The restarted poller gets the delivery its predecessor never acknowledged.
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, accepted);

        ReceivedMessage completed = ExportPollerTest.awaitMessage(
                COMPLETED_QUEUE, m -> exportId.equals(m.applicationProperties().get(MessageProperties.EXPORT_ID)));
        assertThat(completed.body()).contains("\"fileIndex\"");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> new PollStateStore(new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE)))
                        .find(exportId)
                        .map(p -> "completed".equals(p.outcome()))
                        .orElse(false));

        // Every BlobCreated for this export, until none has come for a while.
        Map<String, String> eventIdByBlob = new HashMap<>();
        Map<String, Integer> eventsByBlob = new HashMap<>();
        Instant quietUntil = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(quietUntil)) {
            Optional<ReceivedMessage> next = PollerTestStack.amqp.receive(BLOB_CREATED_QUEUE, Duration.ofMillis(500));
            if (next.isEmpty()) {
                if (eventIdByBlob.size() == 9) {
                    quietUntil = Instant.now().plus(Duration.ofSeconds(3)).isBefore(quietUntil)
                            ? Instant.now().plus(Duration.ofSeconds(3))
                            : quietUntil;
                }
                continue;
            }
            if (!exportId.equals(next.get().applicationProperties().get(MessageProperties.EXPORT_ID))) {
                continue;
            }
            JsonNode event = Json.mapper().readTree(next.get().body());
            String name = event.get("subject").asText().replace("/blobServices/default/containers/landing/blobs/", "");
            String previous = eventIdByBlob.putIfAbsent(name, event.get("id").asText());
            if (previous != null) {
                assertThat(event.get("id").asText()).as("event id of %s", name).isEqualTo(previous);
            }
            eventsByBlob.merge(name, 1, Integer::sum);
        }

        assertThat(eventIdByBlob)
                .hasSize(9)
                .containsKeys(
                        "poll-restart/Observation-0.ndjson",
                        "poll-restart/Observation-1.ndjson",
                        "poll-restart/Patient-0.ndjson");
        eventIdByBlob.forEach((name, id) -> {
            BlobClient blob = blobs.getBlobContainerClient(Containers.LANDING).getBlobClient(name);
            assertThat(id)
                    .as("event of %s names the blob's one generation", name)
                    .isEqualTo(BlobCreatedEvent.id(
                            name, unquote(blob.getProperties().getETag())));
            assertThat(blob.downloadContent().toBytes()).isEqualTo(PATIENTS);
        });
        // Both poll chains reached the manifest, so the duplicates really happened.
        assertThat(ExportPollerTest.recorded(path)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(eventsByBlob.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
    }

    private static String unquote(String etag) {
        return etag.startsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
