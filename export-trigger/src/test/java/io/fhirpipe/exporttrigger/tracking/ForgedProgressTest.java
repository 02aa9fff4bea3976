package io.fhirpipe.exporttrigger.tracking;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.exporttrigger.ExportTriggerTest;
import io.fhirpipe.exporttrigger.PipelineEvents;
import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-posted progress events that do not match what the export expects (its manifest, its files'
 * splits, the lines of their chunks) are acknowledged, shown as ignored and change nothing; events
 * for exports that were never requested leave no state behind.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class ForgedProgressTest {

    static final Instant TRANSACTION_TIME = Instant.parse("2026-11-26T09:00:00Z");
    static final Instant NOW = PipelineEvents.NOW;
    static final Duration WAIT = PipelineEvents.WAIT;

    @Inject
    ExportRunStore runs;

    @Inject
    ExportProgressStore progress;

    static void post(String topic, MessageType type, EventData data) {
        PipelineEvents.post(topic, type, data);
    }

    @Test
    void aLoadedExportsFiguresNeverChange() {
        String exportId = PipelineEvents.acceptedExport(runs, "g-forged-loaded");
        String patients = exportId + "/Patient-1.ndjson";
        String chunk = ChunkNames.chunkBlob(patients, "e1", 0);
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        null,
                        TRANSACTION_TIME,
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 20L)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 1, 20, 0));
        post(Topics.CHUNK_LOADED, MessageType.CHUNK_LOADED, new ChunkLoaded(exportId, "Patient", chunk, 20, 0, NOW));
        ExportTriggerTest.awaitEvent(TriggerTestStack.loadedObserver, exportId);

        // The forgeries of the finding: more rows for a real chunk, a second split with 99 chunks,
        // another manifest, a split of a file the export does not have, a failure of a loaded chunk.
        post(Topics.CHUNK_LOADED, MessageType.CHUNK_LOADED, new ChunkLoaded(exportId, "Patient", chunk, 777, 0, NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "forged", 99, 9900, 0));
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        null,
                        Instant.parse("2030-01-01T00:00:00Z"),
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 20L),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Observation", exportId + "/Observation-7.ndjson", "e7", 1, 5, 0));
        post(
                Topics.FILE_FAILED,
                MessageType.FILE_FAILED,
                new FileFailed(exportId, FileKind.OUTPUT, "Patient", patients, FileFailed.SPLIT, "forged", NOW));

        await().atMost(WAIT)
                .untilAsserted(() -> given().when()
                        .get("/exports/" + exportId)
                        .then()
                        .statusCode(200)
                        .body("progress.ignoredEvents", equalTo(5)));
        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("LOADED"))
                .body("progress.state", equalTo("loaded"))
                .body("progress.types.Patient.rowsLoaded", equalTo(20))
                .body("progress.types.Patient.chunksExpected", equalTo(1))
                .body("progress.types.size()", equalTo(1))
                .body("timings.transactionTime", equalTo("2026-11-26T09:00:00Z"))
                .body(
                        "progress.ignored.event",
                        hasItems("chunk.loaded", "split.completed", "export.completed", "file.failed"));
        assertThat(TriggerTestStack.amqp.drain(TriggerTestStack.loadedObserver, Duration.ofSeconds(2)).stream()
                        .filter(m -> exportId.equals(m.applicationProperties().get("exportId"))))
                .as("no export.loaded for ignored events")
                .isEmpty();
    }

    @Test
    void onlyChunksTheSplitAnnouncedCountAndNoneWithMoreRowsThanLines() {
        String exportId = PipelineEvents.acceptedExport(runs, "g-forged-chunks");
        String patients = exportId + "/Patient-1.ndjson";
        // A chunk report may come before its split: held, and counted once the split names it. Of the
        // held ones, one is of a file the manifest will not list and one has more rows than the file has
        // lines: dropped when the manifest and the split come, which still count.
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 6, 0, NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(
                        exportId,
                        "Observation",
                        ChunkNames.chunkBlob(exportId + "/Observation-1.ndjson", "e1", 0),
                        3,
                        0,
                        NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 777, 0, NOW));
        await().atMost(WAIT)
                .until(() ->
                        progress.find(exportId).map(p -> p.chunks().size() == 3).orElse(false));
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        null,
                        TRANSACTION_TIME,
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 2, 10, 0));
        await().atMost(WAIT)
                .untilAsserted(() -> given().when()
                        .get("/exports/" + exportId)
                        .then()
                        .body("status", equalTo("EXPORTED"))
                        .body("progress.types.Patient.chunksLoaded", equalTo(1))
                        .body("progress.ignoredEvents", equalTo(2)));

        // a chunk the split did not announce, one of another generation, one of another export's file,
        // a report with more rows than the file has lines left, and a chunk of the wrong type
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 2), 1, 0, NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e9", 0), 1, 0, NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(
                        exportId,
                        "Patient",
                        ChunkNames.chunkBlob("someone-else/Patient-1.ndjson", "e1", 1),
                        1,
                        0,
                        NOW));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 777, 0, NOW));
        post(
                Topics.CHUNK_FAILED,
                MessageType.CHUNK_FAILED,
                new ChunkFailed(exportId, "Observation", ChunkNames.chunkBlob(patients, "e1", 1), "forged", NOW));
        await().atMost(WAIT)
                .untilAsserted(() ->
                        given().when().get("/exports/" + exportId).then().body("progress.ignoredEvents", equalTo(7)));
        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("EXPORTED"))
                .body("progress.detail", equalTo("0 file(s) not split, 1 chunk(s) not loaded"))
                .body("progress.types.Patient.rowsLoaded", equalTo(6));

        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 4, 0, NOW));
        ExportTriggerTest.awaitEvent(TriggerTestStack.loadedObserver, exportId);
        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("LOADED"))
                .body("progress.types.Patient.rowsLoaded", equalTo(10))
                .body("progress.mismatches.size()", equalTo(0));
    }

    @Test
    void eventsForAnExportNobodyRequestedLeaveNoState() {
        String unknown = "never-requested-1";
        String patients = unknown + "/Patient-1.ndjson";
        post(
                Topics.FILE_FAILED,
                MessageType.FILE_FAILED,
                new FileFailed(unknown, FileKind.OUTPUT, "Patient", patients, FileFailed.SPLIT, "NotNdjson", NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(unknown, "Patient", patients, "e1", 1, 3, 0));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(unknown, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 3, 0, NOW));
        post(
                Topics.CHUNK_FAILED,
                MessageType.CHUNK_FAILED,
                new ChunkFailed(unknown, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), "boom", NOW));
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        unknown,
                        "nightly",
                        TRANSACTION_TIME,
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null)),
                        NOW));

        // Each topic is consumed in order: once a real export's events behind them on every topic are
        // applied, the unknown export's have been handled.
        String known = PipelineEvents.acceptedExport(runs, "g-forged-behind");
        String p1 = known + "/Patient-1.ndjson";
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        known,
                        null,
                        TRANSACTION_TIME,
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 2, null)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(known, "Patient", p1, "e1", 2, 4, 0));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(known, "Patient", ChunkNames.chunkBlob(p1, "e1", 0), 2, 0, NOW));
        post(
                Topics.CHUNK_FAILED,
                MessageType.CHUNK_FAILED,
                new ChunkFailed(known, "Patient", ChunkNames.chunkBlob(p1, "e1", 1), "boom", NOW));
        post(
                Topics.FILE_FAILED,
                MessageType.FILE_FAILED,
                new FileFailed(
                        known,
                        FileKind.OUTPUT,
                        "Patient",
                        known + "/Patient-2.ndjson",
                        FileFailed.SPLIT,
                        "NotNdjson",
                        NOW));
        await().atMost(WAIT).until(() -> runs.find(known).orElseThrow().status() == ExportRunStatus.FAILED);
        ExportRun failed = runs.find(known).orElseThrow();
        assertThat(failed.error().reason()).isEqualTo("1 file(s) and 1 chunk(s) failed");

        BlobContainerClient state = new BlobServiceClientBuilder()
                .connectionString(TriggerTestStack.azuriteConnectionString())
                .buildClient()
                .getBlobContainerClient(Containers.STATE);
        assertThat(state.getBlobClient(StatePaths.exportProgress(unknown)).exists())
                .isFalse();
        assertThat(runs.find(unknown)).isEmpty();
        given().when().get("/exports/" + unknown).then().statusCode(404);
    }
}
