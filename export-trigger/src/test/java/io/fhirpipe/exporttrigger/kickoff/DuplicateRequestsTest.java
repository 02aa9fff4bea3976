package io.fhirpipe.exporttrigger.kickoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirpipe.exporttrigger.ExportTriggerTest;
import io.fhirpipe.exporttrigger.PipelineEvents;
import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One export per export id, whatever arrives twice: identical {@code export.requested} messages at
 * the same time (several consumers or replicas), after the export was accepted and after it was
 * loaded start one {@code $export} at the server and lead to one {@code export.loaded}.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class DuplicateRequestsTest {

    private static final String ACCEPTED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_ACCEPTED).queueAddress(Subscriptions.EXPORT_POLLER);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Instant TRANSACTION_TIME = Instant.parse("2026-11-26T09:00:00Z");

    @Inject
    ExportRunStore runs;

    @Test
    void identicalRequestsArrivingTogetherStartOneExportAndLoadItOnce() throws Exception {
        String exportId = "dup-together-1";
        String path = "/fhir/Group/g-dup-together/$export";
        // Slow enough that all copies are being handled while the first kick-off is in flight; every
        // kick-off would be accepted, so a second one would show up as a second request.
        for (int i = 0; i < 3; i++) {
            TriggerTestStack.fhir.enqueue(
                    "GET", path, RecordedResponse.fixture("01-system-kickoff").delayedBy(Duration.ofMillis(1500)));
        }
        String body = request(exportId, "g-dup-together");
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> senders = IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, body);
                }))
                .toList();
        go.countDown();
        senders.forEach(CompletableFuture::join);

        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, exportId);
        Thread.sleep(QUIET.toMillis());
        assertThat(ExportTriggerTest.recorded(path))
                .as("kick-offs at the FHIR server")
                .hasSize(1);
        assertThat(accepted(exportId)).as("further export.accepted").isEmpty();
        assertThat(runs.find(exportId).orElseThrow().status()).isEqualTo(ExportRunStatus.ACCEPTED);

        // Again once accepted: still the one export.
        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, body);
        Thread.sleep(QUIET.toMillis());
        assertThat(ExportTriggerTest.recorded(path)).hasSize(1);

        loadOneFile(exportId);
        ExportTriggerTest.awaitEvent(TriggerTestStack.loadedObserver, exportId);

        // And once loaded: nothing is kicked off, announced or loaded again.
        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, body);
        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, body);
        Thread.sleep(QUIET.toMillis());
        assertThat(ExportTriggerTest.recorded(path)).hasSize(1);
        assertThat(accepted(exportId)).isEmpty();
        assertThat(TriggerTestStack.amqp.drain(TriggerTestStack.loadedObserver, QUIET).stream()
                        .filter(m -> exportId.equals(m.applicationProperties().get("exportId"))))
                .isEmpty();
        assertThat(runs.find(exportId).orElseThrow().status()).isEqualTo(ExportRunStatus.LOADED);
    }

    @Test
    void aRestRequestRepeatedByMessageIsNotKickedOffTwice() throws Exception {
        String path = "/fhir/Group/g-dup-rest/$export";
        TriggerTestStack.fhir.enqueue(
                "GET", path, RecordedResponse.fixture("01-system-kickoff").delayedBy(Duration.ofMillis(1500)));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        String exportId = ExportTriggerTest.requestGroupExport("g-dup-rest");
        // The same request as a hand-posted message, while the REST request's kick-off is in flight.
        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, request(exportId, "g-dup-rest"));

        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, exportId);
        Thread.sleep(QUIET.toMillis());
        assertThat(ExportTriggerTest.recorded(path)).hasSize(1);
        assertThat(accepted(exportId)).isEmpty();
    }

    private static String request(String exportId, String groupId) {
        return """
                {"specversion":"1.0","id":"replay-%1$s","source":"/ops/alice","type":"fhirpipe.export.requested.v1",
                 "data":{"exportId":"%1$s","server":"hapi","level":"group","groupId":"%2$s","origin":"replay"}}""".formatted(exportId, groupId);
    }

    private static List<ReceivedMessage> accepted(String exportId) {
        return TriggerTestStack.amqp.drain(ACCEPTED_QUEUE, QUIET).stream()
                .filter(m -> exportId.equals(m.applicationProperties().get("exportId")))
                .toList();
    }

    private void loadOneFile(String exportId) {
        String patients = exportId + "/Patient-1.ndjson";
        PipelineEvents.post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        null,
                        TRANSACTION_TIME,
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 2L)),
                        PipelineEvents.NOW));
        PipelineEvents.post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 1, 2, 0));
        PipelineEvents.post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(
                        exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 2, 0, PipelineEvents.NOW));
        await().atMost(PipelineEvents.WAIT)
                .until(() -> runs.find(exportId).orElseThrow().status() == ExportRunStatus.LOADED);
    }
}
