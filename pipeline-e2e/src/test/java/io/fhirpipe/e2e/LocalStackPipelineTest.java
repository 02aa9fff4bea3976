package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues #3, #6 and #11 end to end: the local stack as separate processes (the project's Artemis launcher,
 * Azurite, the seeded HAPI dev-fhir-server, the four packaged services), driven only through the
 * REST APIs, the FHIR server and storage, as a user would. Ordered: the incremental export follows the
 * full one on the same stack, and a third run after DELETEs on the server removes what was deleted.
 * Enough patients that HAPI (at most 1,000 resources per file, no {@code count}) writes Observations
 * in several files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackPipelineTest {

    static final int PATIENTS = 200;
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path work;

    static LocalStack stack;
    static String trigger;
    static String fhir;
    static String loader;
    static Map<String, Long> totalsBefore;
    static String newObservationId;

    @BeforeAll
    static void startStack() {
        // Small chunks, as the demo asks for: several chunks per file, and several files per type.
        stack = LocalStack.builder()
                .workDirectory(work)
                .seedPatients(PATIENTS)
                .config("ndjson-splitter", "fhirpipe.splitter.max-lines", "500")
                .start();
        trigger = stack.triggerUrl();
        fhir = stack.fhirBaseUrl();
        loader = stack.serviceUrl("synapse-loader");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aSystemExportOfTheSeededServerEndsLoadedWithEveryResourceInTheWarehouse() {
        String exportId = Api.post(trigger + "/jobs/local-demo/runs", "")
                .body()
                .path("exportId")
                .asText();
        assertThat(exportId).isNotBlank();
        JsonNode run = awaitFinal(exportId);
        assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("LOADED");

        JsonNode types = run.path("progress").path("types");
        totalsBefore = new TreeMap<>();
        for (Iterator<String> it = types.fieldNames(); it.hasNext(); ) {
            String type = it.next();
            totalsBefore.put(type, Api.fhirTotal(fhir, type));
        }
        assertThat(totalsBefore.keySet()).contains("Patient", "Encounter", "Observation", "Condition");
        assertThat(totalsBefore.get("Patient")).isEqualTo(PATIENTS);
        assertThat(totalsBefore.get("Observation"))
                .as("more than one HAPI file of a type")
                .isGreaterThan(1000);
        assertThat(types.path("Observation").path("filesExpected").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(types.path("Observation").path("manifestCount").isMissingNode()
                        || types.path("Observation").path("manifestCount").isNull())
                .as("HAPI gives no count")
                .isTrue();

        // Landing holds exactly what the server holds, per type.
        Map<String, Long> landedLines = landedLinesPerType(exportId);
        assertThat(landedLines).isEqualTo(totalsBefore);

        // The status API reconciles every figure.
        for (Map.Entry<String, Long> e : totalsBefore.entrySet()) {
            JsonNode f = types.path(e.getKey());
            assertThat(f.path("filesSplit").asInt())
                    .as(e.getKey())
                    .isEqualTo(f.path("filesExpected").asInt());
            assertThat(run.path("progress").path("filesLanded").path(e.getKey()).asInt())
                    .as(e.getKey())
                    .isEqualTo(f.path("filesExpected").asInt());
            assertThat(f.path("linesSplit").asLong()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(f.path("linesRejected").asLong()).isZero();
            assertThat(f.path("chunksLoaded").asInt())
                    .isEqualTo(f.path("chunksExpected").asInt());
            assertThat(f.path("rowsLoaded").asLong()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(f.path("rowsRejected").asLong()).isZero();
        }
        assertThat(run.path("progress").path("mismatches")).isEmpty();
        assertThat(run.path("timings").path("loadedAt").asText()).isNotBlank();

        // The warehouse: one raw row per resource, and the typed tables filled.
        Map<String, Long> tables = warehouseTables();
        for (Map.Entry<String, Long> e : totalsBefore.entrySet()) {
            assertThat(tables.get("raw." + e.getKey())).as("raw.%s", e.getKey()).isEqualTo(e.getValue());
        }
        // Every typed table of an exported type: one row per resource (the default views have no forEach).
        int typed = 0;
        for (Map.Entry<String, Long> e : totalsBefore.entrySet()) {
            String view = e.getKey().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
            if (tables.containsKey(view)) {
                assertThat(tables.get(view)).as(view).isEqualTo(e.getValue());
                typed++;
            }
        }
        assertThat(typed).as("typed tables checked").isGreaterThanOrEqualTo(7);
        assertThat(tables.get("patient")).isEqualTo(PATIENTS);

        // The job's watermark is the export's transactionTime.
        JsonNode job = jobNamed("local-demo");
        assertThat(job.path("watermark").asText())
                .isEqualTo(run.path("timings").path("transactionTime").asText());
        assertThat(job.path("watermarkExportId").asText()).isEqualTo(exportId);
    }

    @Test
    @Order(2)
    void aGroupExportWithTypesLandsExactlyTheGroupsResources() {
        JsonNode group = Api.get(fhir + "/Group/grp-small").body();
        List<String> members = group.path("member").findValues("reference").stream()
                .map(JsonNode::asText)
                .toList();
        assertThat(members).isNotEmpty();

        Api.Answer answer = Api.post(
                trigger + "/exports",
                "{\"server\":\"local\",\"level\":\"group\","
                        + "\"groupId\":\"grp-small\",\"types\":[\"Patient\",\"Observation\"]}");
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(202);
        String exportId = answer.body().path("exportId").asText();
        JsonNode run = awaitFinal(exportId);
        assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("LOADED");

        // The server's own total of the group's observations (the _summary=count of a subject search).
        long observations = Api.fhirTotal(fhir, "Observation?subject=" + String.join(",", members));
        assertThat(landedLinesPerType(exportId))
                .isEqualTo(Map.of("Patient", (long) members.size(), "Observation", observations));
    }

    @Test
    @Order(3)
    void aSecondRunOfTheJobLoadsOnlyWhatChangedAndLeavesNoStaleOrDuplicateRows() throws Exception {
        // Change the server: two patients updated, one observation added.
        for (String id : List.of("pt-00001", "pt-00002")) {
            ObjectNode patient = (ObjectNode) Api.get(fhir + "/Patient/" + id).body();
            patient.remove("meta");
            patient.putArray("telecom").addObject().put("system", "email").put("value", id + "@updated.example");
            assertThat(Api.put(fhir + "/Patient/" + id, patient.toString()).status())
                    .isEqualTo(200);
        }
        Api.Answer created = Api.postFhir(
                fhir + "/Observation",
                "{\"resourceType\":\"Observation\",\"status\":"
                        + "\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                        + "\"subject\":{\"reference\":\"Patient/pt-00001\"},\"effectiveDateTime\":\"2026-11-26T10:00:00Z\"}");
        assertThat(created.status()).isEqualTo(201);
        String newObservation = created.body().path("id").asText();

        JsonNode started = Api.post(trigger + "/jobs/local-demo/runs", "").body();
        assertThat(started.path("since").asText())
                .as("incremental from the first run's watermark")
                .isNotBlank();
        JsonNode run = awaitFinal(started.path("exportId").asText());
        assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("LOADED");
        JsonNode types = run.path("progress").path("types");
        assertThat(types.path("Patient").path("rowsLoaded").asLong()).isEqualTo(2);
        assertThat(types.path("Observation").path("rowsLoaded").asLong()).isEqualTo(1);
        long others = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("Patient") && !e.getKey().equals("Observation")) {
                others += e.getValue().path("rowsLoaded").asLong();
            }
        }
        assertThat(others).as("nothing else changed").isZero();

        Map<String, Long> tables = warehouseTables();
        assertThat(tables.get("raw.Patient")).isEqualTo(PATIENTS);
        assertThat(tables.get("patient")).isEqualTo(PATIENTS);
        assertThat(tables.get("raw.Observation")).isEqualTo(totalsBefore.get("Observation") + 1);
        assertThat(tables.get("observation")).isEqualTo(totalsBefore.get("Observation") + 1);
        assertThat(run.path("deletes").asText())
                .as("the poller's note on deletes, run %s", run)
                .startsWith("history: 0 deleted resource(s)");
        newObservationId = newObservation;
    }

    /**
     * HAPI lists no deleted[] files, so the poller reads the deletes from _history since the
     * watermark (the local server is configured with deletes=history) and the run says so.
     */
    @Test
    @Order(4)
    void resourcesDeletedOnTheServerAreGoneFromRawTypedAndCuratedAfterTheNextRun(@TempDir Path copy) throws Exception {
        Map<String, Long> before = warehouseTables();
        // not pt-00001's: the observation the previous run added must stay
        List<String> observations =
                Api.get(fhir + "/Observation?subject=Patient/pt-00005&_count=2").body().findValues("resource").stream()
                        .map(r -> r.path("id").asText())
                        .toList();
        String condition = Api.get(fhir + "/Condition?_count=1&_sort=_id")
                .body()
                .findValues("resource")
                .get(0)
                .path("id")
                .asText();
        assertThat(observations).hasSize(2);
        for (String id : observations) {
            assertThat(Api.delete(fhir + "/Observation/" + id).status()).isEqualTo(200);
        }
        assertThat(Api.delete(fhir + "/Condition/" + condition).status()).isEqualTo(200);

        JsonNode started = Api.post(trigger + "/jobs/local-demo/runs", "").body();
        JsonNode run = awaitFinal(started.path("exportId").asText());
        assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("LOADED");
        assertThat(run.path("deletes").asText())
                .as("the run says how deletes were learned")
                .startsWith("history: 3 deleted resource(s)")
                .contains("Condition 1")
                .contains("Observation 2");
        JsonNode types = run.path("progress").path("types");
        assertThat(types.path("deleted:Observation").path("rowsLoaded").asLong())
                .as("run %s", run)
                .isEqualTo(2);
        assertThat(types.path("deleted:Condition").path("rowsLoaded").asLong()).isEqualTo(1);
        assertThat(run.path("progress").path("mismatches")).isEmpty();

        Map<String, Long> after = warehouseTables();
        assertThat(after.get("raw.Observation")).isEqualTo(before.get("raw.Observation") - 2);
        assertThat(after.get("observation")).isEqualTo(before.get("observation") - 2);
        assertThat(after.get("raw.Condition")).isEqualTo(before.get("raw.Condition") - 1);
        assertThat(after.get("condition")).isEqualTo(before.get("condition") - 1);

        // Stopped, the loader writes the pending curated Parquet and checkpoints: the .duckdb file
        // alone (copied without any WAL) holds every row.
        stack.stopService("synapse-loader");
        Path database = copy.resolve("copy.duckdb");
        java.nio.file.Files.copy(stack.duckDbPath(), database);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database, readOnly());
                Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM raw.Observation")).isEqualTo(after.get("raw.Observation"));
            assertThat(single(s, "SELECT count(*) FROM raw.Patient")).isEqualTo(PATIENTS);
            assertThat(single(s, "SELECT count(*) - count(DISTINCT id) FROM raw.Patient"))
                    .isZero();
            assertThat(single(s, "SELECT count(*) - count(DISTINCT id) FROM patient"))
                    .isZero();
            assertThat(single(
                            s,
                            "SELECT count(*) FROM raw.Patient WHERE id IN ('pt-00001','pt-00002') "
                                    + "AND version_id = '2'"))
                    .isEqualTo(2);
            assertThat(single(s, "SELECT count(*) FROM raw.Observation WHERE id = '" + newObservationId + "'"))
                    .isEqualTo(1);
            assertThat(single(
                            s,
                            "SELECT count(*) FROM raw.Observation WHERE id IN ('" + String.join("','", observations)
                                    + "')"))
                    .isZero();
            assertThat(single(
                            s,
                            "SELECT count(*) FROM observation WHERE id IN ('" + String.join("','", observations)
                                    + "')"))
                    .isZero();
            assertThat(single(s, "SELECT count(*) FROM raw.Condition WHERE id = '" + condition + "'"))
                    .isZero();
            assertThat(single(s, "SELECT count(*) FROM condition WHERE id = '" + condition + "'"))
                    .isZero();

            Path parquet = copy.resolve("observation.parquet");
            stack.azurite()
                    .blobServiceClient()
                    .getBlobContainerClient(Containers.CURATED)
                    .getBlobClient("Observation/observation.parquet")
                    .downloadToFile(parquet.toString());
            String read = "read_parquet('" + parquet + "')";
            assertThat(single(s, "SELECT count(*) FROM " + read)).isEqualTo(after.get("observation"));
            assertThat(single(
                            s,
                            "SELECT count(*) FROM " + read + " WHERE id IN ('" + String.join("','", observations)
                                    + "')"))
                    .isZero();
        }
    }

    private static java.util.Properties readOnly() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("duckdb.read_only", "true");
        return p;
    }

    private static long single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode jobNamed(String name) {
        for (JsonNode job : Api.get(trigger + "/jobs").body()) {
            if (name.equals(job.path("name").asText())) {
                return job;
            }
        }
        throw new AssertionError("no job " + name);
    }

    private static Map<String, Long> warehouseTables() {
        Map<String, Long> rows = new HashMap<>();
        for (JsonNode t : Api.get(loader + "/warehouse/tables").body().path("tables")) {
            rows.put(t.path("name").asText(), t.path("rows").asLong());
        }
        return rows;
    }

    /** Lines per resource type in every output file the export landed. */
    private static Map<String, Long> landedLinesPerType(String exportId) {
        BlobContainerClient landing = stack.azurite().blobServiceClient().getBlobContainerClient(Containers.LANDING);
        Map<String, Long> lines = new TreeMap<>();
        for (BlobItem item : landing.listBlobs(new ListBlobsOptions().setPrefix(exportId + "/"), null)) {
            LandingBlob blob = LandingBlob.parse(item.getName()).orElseThrow();
            if (blob.kind() != io.fhirpipe.model.events.FileKind.OUTPUT) {
                continue;
            }
            long n = landing.getBlobClient(item.getName())
                    .downloadContent()
                    .toString()
                    .lines()
                    .filter(l -> !l.isBlank())
                    .count();
            lines.merge(blob.resourceType(), n, Long::sum);
        }
        return lines;
    }

    private static JsonNode awaitFinal(String exportId) {
        Instant deadline = Instant.now().plus(LOAD_TIMEOUT);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            Api.Answer a = Api.get(trigger + "/exports/" + exportId);
            run = a.body();
            String status = run.path("status").asText();
            if (status.equals("LOADED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return run;
            }
            sleep(1000);
        }
        throw new AssertionError(
                "export " + exportId + " not final within " + LOAD_TIMEOUT + ": " + run + "\nlogs in " + stack.logs());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
