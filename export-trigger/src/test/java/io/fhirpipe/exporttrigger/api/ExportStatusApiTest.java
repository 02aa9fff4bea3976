package io.fhirpipe.exporttrigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.exporttrigger.PipelineEvents;
import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.PollStateStore;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /exports}, {@code GET /exports/{id}} with the tracker's figures, and {@code DELETE /exports/{id}}. */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class ExportStatusApiTest {

    static final Instant NOW = Instant.parse("2026-11-26T09:30:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ExportRunStore runs;

    @Inject
    PollStateStore polls;

    String acceptedExport(String groupId) {
        return PipelineEvents.acceptedExport(runs, groupId);
    }

    static void post(String topic, MessageType type, EventData data) {
        PipelineEvents.post(topic, type, data);
    }

    @Test
    void theStatusOfAnExportShowsPerTypeFiguresAsTheyArriveAndTimingsOnceLoaded() {
        String exportId = acceptedExport("g-status-figures");
        String patients = exportId + "/Patient-1.ndjson";
        // What the transfer records per landed file (its own test proves it writes them).
        BlobContainerClient state = new BlobServiceClientBuilder()
                .connectionString(TriggerTestStack.azuriteConnectionString())
                .buildClient()
                .getBlobContainerClient(Containers.STATE);
        for (LandingBlob landed : List.of(
                LandingBlob.parse(patients).orElseThrow(),
                new LandingBlob(exportId, FileKind.ERROR, "OperationOutcome", 1, false))) {
            state.getBlobClient(StatePaths.transferRecord(landed)).upload(BinaryData.fromString("{}"), true);
        }
        post(
                Topics.EXPORT_COMPLETED,
                MessageType.EXPORT_COMPLETED,
                new ExportCompleted(
                        exportId,
                        null,
                        Instant.parse("2026-11-26T09:00:00Z"),
                        List.of(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 6L)),
                        NOW));
        post(
                Topics.SPLIT_COMPLETED,
                MessageType.SPLIT_COMPLETED,
                new SplitCompleted(exportId, "Patient", patients, "e1", 2, 5, 1));
        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 0), 3, 0, NOW));

        await().atMost(WAIT)
                .untilAsserted(() -> given().when()
                        .get("/exports/" + exportId)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("EXPORTED"))
                        .body("progress.state", equalTo("waiting"))
                        .body("progress.detail", equalTo("0 file(s) not split, 1 chunk(s) not loaded"))
                        .body("progress.types.Patient.chunksExpected", equalTo(2))
                        .body("progress.types.Patient.chunksLoaded", equalTo(1))
                        .body("progress.types.Patient.rowsLoaded", equalTo(3)));

        post(
                Topics.CHUNK_LOADED,
                MessageType.CHUNK_LOADED,
                new ChunkLoaded(exportId, "Patient", ChunkNames.chunkBlob(patients, "e1", 1), 1, 1, NOW));
        await().atMost(WAIT)
                .untilAsserted(() -> given().when()
                        .get("/exports/" + exportId)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("LOADED"))
                        .body("progress.state", equalTo("loaded"))
                        .body("progress.filesLanded.Patient", equalTo(1))
                        .body("progress.filesLanded.'error:OperationOutcome'", equalTo(1))
                        .body("progress.types.Patient.manifestCount", equalTo(6))
                        .body("progress.types.Patient.linesSplit", equalTo(5))
                        .body("progress.types.Patient.linesRejected", equalTo(1))
                        .body("progress.types.Patient.rowsLoaded", equalTo(4))
                        .body("progress.types.Patient.rowsRejected", equalTo(1))
                        .body("progress.mismatches.size()", equalTo(0))
                        .body("timings.transactionTime", equalTo("2026-11-26T09:00:00Z"))
                        .body("timings.loadedAt", startsWith("20"))
                        .body("timings.acceptedAt", startsWith("20")));
    }

    @Test
    void theStatusShowsThePollersLoopAndTheServersErrorFilesFromTheirOwnersDocuments() {
        String exportId = acceptedExport("g-status-owners");
        Instant polled = Instant.parse("2026-11-26T09:10:00Z");
        // What the poller and the transfer record in their own documents (their own tests prove they do).
        polls.apply(
                exportId,
                p -> p.polled(polled, "50% done")
                        .retried(polled.plusSeconds(5), "the status URL answered 429")
                        .withDeletes("history: 3 deleted resource(s) in 4 _history entries"));
        BlobContainerClient state = new BlobServiceClientBuilder()
                .connectionString(TriggerTestStack.azuriteConnectionString())
                .buildClient()
                .getBlobContainerClient(Containers.STATE);
        LandingBlob errors = new LandingBlob(exportId, FileKind.ERROR, "OperationOutcome", 0, false);
        state.getBlobClient(StatePaths.transferRecord(errors)).upload(BinaryData.fromString("""
                {"kind":"error","outcome":"landed","totalIssues":7,
                 "issues":[{"severity":"error","code":"processing","diagnostics":"Patient/9 is invalid"}]}"""), true);

        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("ACCEPTED"))
                .body("poll.polls", equalTo(1))
                .body("poll.lastProgress", equalTo("50% done"))
                .body("poll.lastPolledAt", equalTo("2026-11-26T09:10:00Z"))
                .body("poll.retries", equalTo(1))
                .body("poll.lastRetry", equalTo("the status URL answered 429"))
                .body("deletes", equalTo("history: 3 deleted resource(s) in 4 _history entries"))
                .body("progress.filesLanded.'error:OperationOutcome'", equalTo(1))
                .body("errorFiles[0].blob", equalTo(errors.name()))
                .body("errorFiles[0].totalIssues", equalTo(7))
                .body("errorFiles[0].issues[0].diagnostics", equalTo("Patient/9 is invalid"));
    }

    @Test
    void exportsAreListedNewestFirstFilteredAndPaged() {
        String older = acceptedExport("g-status-list-1");
        String newer = acceptedExport("g-status-list-2");

        List<String> ids = given().when()
                .get("/exports?status=accepted&size=200")
                .then()
                .statusCode(200)
                .body("page", equalTo(0))
                .extract()
                .jsonPath()
                .getList("items.exportId", String.class);
        assertThat(ids).contains(older, newer);
        assertThat(ids.indexOf(newer)).isLessThan(ids.indexOf(older));

        int total = given().when()
                .get("/exports?size=1")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("next", startsWith("/exports?page=1&size=1"))
                .extract()
                .path("total");
        assertThat(total).isGreaterThanOrEqualTo(2);
        given().when()
                .get("/exports?status=loaded&size=200")
                .then()
                .statusCode(200)
                .body("items.exportId", not(hasItem(newer)));

        given().when()
                .get("/exports?status=sleeping&size=0")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("status", "size")));
    }

    @Test
    void deleteCancelsAtTheServerAndTheRunEndsCancelled() {
        String exportId = acceptedExport("g-status-cancel");
        String statusUrl = runs.find(exportId).orElseThrow().statusUrl();
        TriggerTestStack.fhir.enqueue(
                "DELETE", "/fhir/$export-poll-status", RecordedResponse.fixture("19-cancel.delete"));

        given().when()
                .delete("/exports/" + exportId)
                .then()
                .statusCode(202)
                .body("status", equalTo("CANCELLED"))
                .body("history[-1].event", equalTo("server-cancel"))
                .body("history[-1].detail", equalTo("hapi accepted the cancel (202)"));
        List<RecordedRequest> deletes = TriggerTestStack.fhir.requests().stream()
                .filter(r -> r.method().equals("DELETE") && statusUrl.endsWith(r.path() + "?" + r.rawQuery()))
                .toList();
        assertThat(deletes).hasSize(1);

        given().when()
                .delete("/exports/" + exportId)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("export " + exportId + " is cancelled; there is nothing to cancel"));
        given().when().delete("/exports/no-such-export").then().statusCode(404);
        given().when().delete("/exports/bad id").then().statusCode(400);
    }
}
