package io.fhirpipe.exporttrigger.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirpipe.exporttrigger.ExportTriggerTest;
import io.fhirpipe.exporttrigger.PipelineEvents;
import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportLoaded;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker on real components: a run kicked off through the trigger, then the later steps'
 * events posted by hand to their topics (as the poller, splitter and loader would), and what the
 * tracker records and publishes read back.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class ExportTrackerTest {

    static final Instant TRANSACTION_TIME = Instant.parse("2026-11-26T09:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-26T09:30:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ExportRunStore runs;

    @Inject
    WatermarkStore watermarks;

    String acceptedExport(String groupId) {
        return PipelineEvents.acceptedExport(runs, groupId);
    }

    static void post(String topic, MessageType type, EventData data) {
        PipelineEvents.post(topic, type, data);
    }

    static String landing(String exportId, String type, int index) {
        return exportId + "/" + type + "-" + index + ".ndjson";
    }

    @Test
    void anExportIsLoadedWhenEveryChunkIsLoadedAndOnlyThenTheWatermarkAdvances() {
        String exportId = acceptedExport("g-track-ok");
        String job = "job-" + exportId.substring(0, 8);
        String patients = landing(exportId, "Patient", 1);
        String observations = landing(exportId, "Observation", 1);

        // The loader's reports may arrive before the splitter's and even before the poller's.
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Observation", ChunkNames.chunkBlob(observations, "e2", 0), 4, 1, NOW));
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        job,
                        TRANSACTION_TIME,
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 3L),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 2, 3, 0));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Observation", observations, "e2", 1, 5, 0));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 2, 0, NOW));

        await().atMost(WAIT).until(() -> runs.find(exportId).orElseThrow().status() == ExportRunStatus.EXPORTED);
        assertThat(watermarks.find(job))
                .as("not loaded yet: one Patient chunk is missing")
                .isEmpty();

        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 1, 0, NOW));

        CloudEvent<EventData> loaded = ExportTriggerTest.awaitEvent(TriggerTestStack.loadedObserver, exportId);
        assertThat(loaded.type()).isEqualTo(MessageType.EXPORT_LOADED.cloudEventType());
        ExportLoaded data = (ExportLoaded) loaded.data();
        assertThat(data.rowsPerType()).isEqualTo(Map.of("Patient", 3L, "Observation", 4L));
        assertThat(data.transactionTime()).isEqualTo(TRANSACTION_TIME);
        ExportRun run = runs.find(exportId).orElseThrow();
        assertThat(run.status()).isEqualTo(ExportRunStatus.LOADED);
        assertThat(run.history().get(run.history().size() - 1).detail())
                .isEqualTo("every expected chunk is loaded; figures reconcile");
        assertThat(watermarks.find(job).orElseThrow().transactionTime()).isEqualTo(TRANSACTION_TIME);
        assertThat(watermarks.find(job).orElseThrow().exportId()).isEqualTo(exportId);

        // A redelivered report changes nothing but re-announces with the same id (consumers dedupe by id).
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 1, 0, NOW));
        CloudEvent<EventData> again = ExportTriggerTest.awaitEvent(TriggerTestStack.loadedObserver, exportId);
        assertThat(again.id()).isEqualTo(loaded.id());
        assertThat(runs.find(exportId).orElseThrow().status()).isEqualTo(ExportRunStatus.LOADED);
    }

    @Test
    void aFailedChunkFailsTheExportWithTheReasonAndTheWatermarkStays() {
        String exportId = acceptedExport("g-track-failed");
        String job = "job-" + exportId.substring(0, 8);
        String conditions = landing(exportId, "Condition", 1);
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        job,
                        TRANSACTION_TIME,
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Condition", 1, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Condition", conditions, "e9", 2, 10, 0));
        post(
                Topics.CHUNK_FAILED,
                MessageType.CHUNK_FAILED,
                new ChunkFailed(
                        exportId,
                        "Condition",
                        ChunkNames.chunkBlob(conditions, "e9", 1),
                        "ChunkBlobNotFound: chunks/x is missing",
                        NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Condition", ChunkNames.chunkBlob(conditions, "e9", 0), 5, 0, NOW));

        await().atMost(WAIT).until(() -> runs.find(exportId).orElseThrow().status() == ExportRunStatus.FAILED);
        ExportRun run = runs.find(exportId).orElseThrow();
        assertThat(run.error().stage()).isEqualTo("load");
        assertThat(run.error().reason()).isEqualTo("1 chunk(s) failed");
        assertThat(run.error().diagnostics())
                .containsExactly(
                        "chunks/" + exportId + "/Condition-1/e9/000001.ndjson: ChunkBlobNotFound: chunks/x is missing");
        assertThat(watermarks.find(job)).isEmpty();
    }

    @Test
    void aFileTheSplitterGaveUpFailsTheExportInsteadOfLeavingItWaiting() {
        String exportId = acceptedExport("g-track-file-failed");
        String job = "job-" + exportId.substring(0, 8);
        String patients = landing(exportId, "Patient", 1);
        String observations = landing(exportId, "Observation", 1);
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        job,
                        TRANSACTION_TIME,
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 1, 3, 0));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 3, 0, NOW));
        post(
                Topics.FILE_FAILED,
                MessageType.FILE_FAILED,
                new FileFailed(
                        exportId,
                        FileKind.OUTPUT,
                        "Observation",
                        observations,
                        FileFailed.SPLIT,
                        "UnreadableGzip: not in gzip format",
                        NOW));

        await().atMost(WAIT).until(() -> runs.find(exportId).orElseThrow().status() == ExportRunStatus.FAILED);
        ExportRun run = runs.find(exportId).orElseThrow();
        assertThat(run.error().stage()).isEqualTo("load");
        assertThat(run.error().reason()).isEqualTo("1 file(s) failed");
        assertThat(run.error().diagnostics())
                .containsExactly("landing/" + observations + ": split failed: UnreadableGzip: not in gzip format");
        assertThat(watermarks.find(job)).isEmpty();
    }

    @Test
    void thePollersAnnouncementsAreRecordedInTheRunByTheTrackerItsOnlyWriter() {
        String exported = acceptedExport("g-track-exported");
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exported,
                        null,
                        TRANSACTION_TIME,
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 3L),
                                new ExpectedFile(FileKind.ERROR, "OperationOutcome", 1, null)),
                        NOW));
        await().atMost(WAIT).until(() -> runs.find(exported).orElseThrow().status() == ExportRunStatus.EXPORTED);
        assertThat(runs.find(exported).orElseThrow().history())
                .filteredOn(e -> e.event().equals("exported"))
                .extracting(RunEvent::detail)
                .containsExactly("2 file(s) expected (1 error file(s)), transactionTime 2026-11-26T09:00:00Z");

        String failed = acceptedExport("g-track-poll-failed");
        post(
                Topics.EXPORT_FAILED,
                MessageType.EXPORT_FAILED,
                new ExportFailed(
                        failed,
                        null,
                        "poll",
                        "the export job failed: the status URL answered 500",
                        500,
                        List.of("disk full"),
                        NOW));
        await().atMost(WAIT).until(() -> runs.find(failed).orElseThrow().status() == ExportRunStatus.FAILED);
        ExportRun run = runs.find(failed).orElseThrow();
        assertThat(run.error().stage()).isEqualTo("poll");
        assertThat(run.error().reason()).isEqualTo("the export job failed: the status URL answered 500");
        assertThat(run.error().httpStatus()).isEqualTo(500);
        assertThat(run.error().diagnostics()).containsExactly("disk full");
    }
}
