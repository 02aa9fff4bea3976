package io.fhirpipe.synapseloader;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.curated.BlobCuratedSink;
import io.fhirpipe.synapseloader.rejects.RejectedLinesWriter;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.fhirpipe.testsupport.broker.MatchingReceiver;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.broker.Redeliveries;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The loader end to end on Azurite and embedded Artemis with DuckDB: chunks are uploaded to the
 * chunks container and announced with chunk.ready by hand (as the splitter would), and the tables,
 * the curated Parquet, the rejected blobs and the published events are read back.
 */
@QuarkusTest
@QuarkusTestResource(value = LoaderTestStack.class, restrictToAnnotatedClass = false)
public class SynapseLoaderTest {

    /** Default-view columns that are not null over a resource without the element: join() and collections. */
    static final Map<String, String> EMPTY_VALUES = emptyValues();

    /** join() over nothing is '', a collection column without values [] (SQL on FHIR v2). */
    static Map<String, String> emptyValues() {
        Map<String, String> empty = new HashMap<>(
                Map.of("allergy_intolerance.category", "", "practitioner.prefix", "", "practitioner.given", ""));
        for (String collection : List.of(
                "procedure.category_codings",
                "procedure.codings",
                "procedure.reason_codings",
                "medication_request.category_codings",
                "medication_request.medication_codings",
                "immunization.vaccine_codings",
                "allergy_intolerance.codings",
                "allergy_intolerance.reaction_manifestation_codings",
                "diagnostic_report.category_codings",
                "diagnostic_report.codings",
                "diagnostic_report.result_ids",
                "document_reference.type_codings",
                "document_reference.category_codings",
                "document_reference.content_urls",
                "organization.type_codings",
                "practitioner.qualification_codings",
                "location.type_codings")) {
            empty.put(collection, "[]");
        }
        return Map.copyOf(empty);
    }

    static final String CHUNK_READY = Topics.CHUNK_READY;
    static final String LOADED_QUEUE =
            Topology.standard().topic(Topics.CHUNK_LOADED).queueAddress(Subscriptions.EXPORT_TRACKER);
    static final String FAILED_QUEUE =
            Topology.standard().topic(Topics.CHUNK_FAILED).queueAddress(Subscriptions.EXPORT_TRACKER);
    static final String DEAD_LETTERS = Topology.deadLetterAddress(Topics.CHUNK_READY);
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Messages read while looking for others are kept for later waits, so no test loses another's. */
    static MatchingReceiver receiver;

    @Inject
    io.fhirpipe.synapseloader.consume.ChunkReadyConsumer consumer;

    @Inject
    Warehouse warehouse;

    @Test
    void everyDefaultTypeLoadsOneTypedRowPerResourceWithTheSourceValuesAndCuratedParquetMatches() throws Exception {
        String exp = "exp-all";
        List<Synthetic.Resource> patients = new ArrayList<>();
        List<Synthetic.Resource> observations = new ArrayList<>();
        List<Synthetic.Resource> encounters = new ArrayList<>();
        List<Synthetic.Resource> conditions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            patients.add(Synthetic.patient("all-p" + i, i, "1", "2024-05-01T10:00:00Z"));
            observations.add(Synthetic.observation("all-o" + i, i, "all-p" + (i % 7), "2024-05-01T10:00:00Z"));
            encounters.add(Synthetic.encounter("all-e" + i, i, "all-p" + (i % 7), "2024-05-01T10:00:00Z"));
            conditions.add(Synthetic.condition("all-c" + i, i, "all-p" + (i % 7), "2024-05-01T10:00:00Z"));
        }
        // Two chunks per type, as the splitter would cut a file.
        for (List<Synthetic.Resource> list : List.of(patients, observations, encounters, conditions)) {
            String type = list.get(0).type();
            ChunkLoaded first =
                    deliverAndAwait(chunk(exp + "/" + type + "-0.ndjson", type, 0, lines(list.subList(0, 12))));
            ChunkLoaded second =
                    deliverAndAwait(chunk(exp + "/" + type + "-0.ndjson", type, 1, lines(list.subList(12, 30))));
            assertThat(first.rowsLoaded()).isEqualTo(12);
            assertThat(second.rowsLoaded()).isEqualTo(18);
            assertThat(first.rowsRejected() + second.rowsRejected()).isZero();
        }
        assertTyped("patient", "all-p", patients);
        assertTyped("observation", "all-o", observations);
        assertTyped("encounter", "all-e", encounters);
        assertTyped("condition", "all-c", conditions);
        for (String[] view : new String[][] {
            {"Patient", "patient"},
            {"Observation", "observation"},
            {"Encounter", "encounter"},
            {"Condition", "condition"}
        }) {
            assertCuratedEqualsTable(view[0], view[1]);
        }
        assertThat(count("SELECT count(*) FROM raw.\"Observation\" WHERE id LIKE 'all-o%' AND export_id = 'exp-all'"))
                .isEqualTo(30);

        // What the warehouse endpoints report is what the tables hold (other tests add rows too).
        Map<String, Long> reported = new HashMap<>();
        io.restassured.RestAssured.given()
                .when()
                .get("/warehouse/tables")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("tables", Map.class)
                .forEach(t -> reported.put((String) t.get("name"), ((Number) t.get("rows")).longValue()));
        assertThat(reported.get("raw.Patient")).isEqualTo(count("SELECT count(*) FROM raw.\"Patient\""));
        assertThat(reported.get("observation")).isEqualTo(count("SELECT count(*) FROM observation"));
        assertThat(reported).containsKeys("patient", "encounter", "condition", "raw.Encounter");
        io.restassured.RestAssured.given()
                .when()
                .get("/warehouse/sample")
                .then()
                .statusCode(200)
                .body(
                        "columns",
                        org.hamcrest.Matchers.equalTo(
                                List.of("observation", "observations", "patients", "average", "unit")))
                .body("rows.size()", org.hamcrest.Matchers.greaterThan(0));
    }

    /**
     * The other shipped views, with minimal resources (id and meta only): one row per resource, the
     * id and last_updated columns equal to the source, every other column NULL (the resource has no
     * other element), and the curated Parquet equal to the table.
     */
    @Test
    void theOtherDefaultViewsLoadOneRowPerMinimalResource() {
        Map<String, String> views = new LinkedHashMap<>();
        views.put("Procedure", "procedure");
        views.put("MedicationRequest", "medication_request");
        views.put("Immunization", "immunization");
        views.put("AllergyIntolerance", "allergy_intolerance");
        views.put("DiagnosticReport", "diagnostic_report");
        views.put("DocumentReference", "document_reference");
        views.put("Organization", "organization");
        views.put("Practitioner", "practitioner");
        views.put("Location", "location");
        for (Map.Entry<String, String> v : views.entrySet()) {
            String type = v.getKey();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                lines.add("{\"resourceType\":\"" + type + "\",\"id\":\"min-" + type + "-" + i
                        + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2024-05-0" + (i + 1) + "T10:00:00Z\"}}");
            }
            ChunkLoaded loaded = deliverAndAwait(chunk("exp-min/" + type + "-0.ndjson", type, 0, lines(lines)));
            assertThat(loaded.rowsLoaded()).isEqualTo(3);
            assertThat(count("SELECT count(*) FROM \"" + v.getValue() + "\" WHERE _resource_key LIKE 'min-" + type
                            + "-%'"))
                    .as(v.getValue())
                    .isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                Map<String, Object> row = row(v.getValue(), "min-" + type + "-" + i);
                assertThat(row)
                        .as(v.getValue())
                        .containsEntry("id", "min-" + type + "-" + i)
                        .containsEntry("last_updated", Instant.parse("2024-05-0" + (i + 1) + "T10:00:00Z"));
                row.keySet().removeAll(List.of("_resource_key", "id", "last_updated"));
                // SQL on FHIR v2: join() over nothing is '', an empty collection [] (the conformance suite)
                assertThat(row)
                        .as(v.getValue())
                        .isNotEmpty()
                        .allSatisfy((column, value) -> assertThat(value)
                                .as(v.getValue() + "." + column)
                                .isEqualTo(EMPTY_VALUES.get(v.getValue() + "." + column)));
            }
            assertCuratedEqualsTable(type, v.getValue());
        }
    }

    /**
     * A transient failure (the rejected lines cannot be written: the container is gone) abandons the
     * message without announcing anything; the broker redelivers, and once storage is back the chunk
     * loads and chunk.loaded follows. (A failure after commit, recognised by the ledger on the
     * redelivery, is ChunkLoaderTest's.)
     */
    @Test
    void aTransientFailureAbandonsTheMessageAndTheRedeliveryFinishes() throws Exception {
        var rejectedLines = LoaderTestStack.azurite.blobServiceClient().getBlobContainerClient(Containers.REJECTED);
        rejectedLines.delete();
        ChunkReady chunk;
        try {
            chunk = chunk(
                    "exp-transient/Encounter-0.ndjson",
                    "Encounter",
                    0,
                    lines(List.of(Synthetic.encounter("tr-e1", 1, "tr-p", "2024-05-01T10:00:00Z"), "not json")));
            LoaderTestStack.amqp.send(
                    CHUNK_READY,
                    MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", chunk, Instant.now())),
                    Map.of("exportId", chunk.exportId(), "resourceType", "Encounter"));
            Thread.sleep(3000);
            // neither loaded nor announced: the message is still in the subscription
            assertThat(LoaderTestStack.broker.messageCount("chunk-ready.synapse-loader"))
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger WHERE chunk_blob = '" + chunk.chunkBlob()
                            + "'"))
                    .isZero();
            assertThat(LoaderTestStack.amqp.browse(LOADED_QUEUE, Duration.ofMillis(300)))
                    .noneMatch(m -> m.body().contains(chunk.chunkBlob()));
        } finally {
            rejectedLines.create();
        }
        ChunkLoaded loaded = awaitMatching(LOADED_QUEUE, m -> m.body().contains("\"" + chunk.chunkBlob() + "\""))
                .body()
                .transform(b -> (ChunkLoaded) MessageCodec.decode(b).data());
        assertThat(loaded.rowsLoaded()).isEqualTo(1);
        assertThat(loaded.rowsRejected()).isEqualTo(1);
        assertThat(row("encounter", "tr-e1")).containsEntry("class_code", "AMB");
    }

    /**
     * The curated snapshot is derived from committed rows: when it cannot be written (the container
     * is gone; DuckDB out of memory under a small memory_limit) the chunk is loaded and announced all
     * the same, and the snapshot follows with the next load once storage is back.
     */
    @Test
    void aCuratedSnapshotThatCannotBeWrittenDoesNotFailTheChunk() throws Exception {
        var curated = LoaderTestStack.azurite.blobServiceClient().getBlobContainerClient(Containers.CURATED);
        curated.delete();
        ChunkReady first;
        try {
            first = chunk(
                    "exp-curated-down/Encounter-0.ndjson",
                    "Encounter",
                    0,
                    lines(List.of(Synthetic.encounter("cd-e1", 1, "cd-p", "2024-05-01T10:00:00Z"))));
            LoaderTestStack.amqp.send(
                    CHUNK_READY,
                    MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", first, Instant.now())),
                    Map.of("exportId", first.exportId(), "resourceType", "Encounter"));
            ChunkLoaded loaded = awaitMatching(LOADED_QUEUE, m -> m.body().contains("\"" + first.chunkBlob() + "\""))
                    .body()
                    .transform(b -> (ChunkLoaded) MessageCodec.decode(b).data());
            assertThat(loaded.rowsLoaded()).isEqualTo(1);
            assertThat(count("SELECT count(*) FROM fhirpipe_state.curated_pending WHERE resource_type = 'Encounter'"))
                    .as("the snapshot is still owed")
                    .isEqualTo(1);
        } finally {
            curated.create();
        }
        ChunkReady second = chunk(
                "exp-curated-down/Encounter-1.ndjson",
                "Encounter",
                1,
                lines(List.of(Synthetic.encounter("cd-e2", 1, "cd-p", "2024-05-02T10:00:00Z"))));
        LoaderTestStack.amqp.send(
                CHUNK_READY,
                MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", second, Instant.now())),
                Map.of("exportId", second.exportId(), "resourceType", "Encounter"));
        awaitMatching(LOADED_QUEUE, m -> m.body().contains("\"" + second.chunkBlob() + "\""));
        assertThat(count("SELECT count(*) FROM fhirpipe_state.curated_pending WHERE resource_type = 'Encounter'"))
                .isZero();
        assertCuratedEqualsTable("Encounter", "encounter");
    }

    /**
     * The subscription's last delivery fails transiently after the in-process retries (the rejected
     * lines' container is gone): instead of the broker dropping it silently, the chunk is announced
     * with chunk.failed and dead-lettered with reason DeliveryLimitReached.
     */
    @Test
    void onTheLastDeliveryATransientFailureIsAnnouncedAndDeadLettered() throws Exception {
        var rejectedLines = LoaderTestStack.azurite.blobServiceClient().getBlobContainerClient(Containers.REJECTED);
        rejectedLines.delete();
        try {
            ChunkReady chunk = chunk(
                    "exp-lastdelivery/Encounter-0.ndjson",
                    "Encounter",
                    0,
                    lines(List.of(Synthetic.encounter("ld-e1", 1, "ld-p", "2024-05-01T10:00:00Z"), "not json")));
            String body = MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", chunk, Instant.now()));
            List<String> settled = new java.util.concurrent.CopyOnWriteArrayList<>();
            int max = Redeliveries.maxDeliveries(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER);
            consumer.consume(Redeliveries.lastDelivery(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, body, settled))
                    .toCompletableFuture()
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(settled).containsExactly("ack");
            ChunkFailed failed = (ChunkFailed) MessageCodec.decode(
                            awaitMatching(FAILED_QUEUE, m -> m.body().contains(chunk.chunkBlob()))
                                    .body())
                    .data();
            assertThat(failed.reason())
                    .startsWith(io.fhirpipe.runtime.messaging.MessageSettlement.DELIVERY_LIMIT_REACHED + ": delivery "
                            + max + " of at most " + max)
                    .contains("rejected lines");
            ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains(chunk.chunkBlob()));
            assertThat(dead.property("DeadLetterReason"))
                    .isEqualTo(io.fhirpipe.runtime.messaging.MessageSettlement.DELIVERY_LIMIT_REACHED);
            assertThat(dead.body()).isEqualTo(body);
        } finally {
            rejectedLines.create();
        }
    }

    @Test
    void aChunkDeliveredTwiceIsAppliedOnceAndReportedTwiceWithTheSameFigures() {
        String exp = "exp-twice";
        ChunkReady chunk = chunk(
                exp + "/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(
                        Synthetic.patient("tw-1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("tw-2", 2, "1", "2024-05-01T10:00:00Z"))));
        ChunkLoaded first = deliverAndAwait(chunk);
        // Tamper with the raw table (the typed views read it): if the redelivery were applied again,
        // the row would come back.
        exec("DELETE FROM raw.\"Patient\" WHERE id = 'tw-1'");
        ChunkLoaded second = deliverAndAwait(chunk);
        assertThat(second).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id = 'tw-1'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'tw-1'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'tw-2'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger WHERE chunk_blob = '" + chunk.chunkBlob()
                        + "'"))
                .isEqualTo(1);
    }

    @Test
    void chunksDeliveredNewestFirstLeaveTheNewestVersion() {
        ChunkReady newer = chunk(
                "exp-nf-2/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(Synthetic.patient("nf-1", 2, "2", "2024-06-01T10:00:00Z"))));
        ChunkReady older = chunk(
                "exp-nf-1/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(Synthetic.patient("nf-1", 1, "1", "2024-05-01T10:00:00Z"))));
        deliverAndAwait(newer);
        ChunkLoaded late = deliverAndAwait(older);
        assertThat(late.rowsLoaded()).isEqualTo(1);
        assertThat(row("patient", "nf-1"))
                .containsEntry("official_family", "Family2")
                .containsEntry("last_updated", Instant.parse("2024-06-01T10:00:00Z"));
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id = 'nf-1' AND version_id = '2' "
                        + "AND export_id = 'exp-nf-2'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'nf-1'"))
                .isEqualTo(1);
    }

    @Test
    void anUpdateInALaterExportReplacesTheRowsOfThatResourceOnly() {
        deliverAndAwait(chunk(
                "exp-up-1/Observation-0.ndjson",
                "Observation",
                0,
                lines(List.of(
                        Synthetic.observation("up-o1", 1, "up-p", "2024-05-01T10:00:00Z"),
                        Synthetic.observation("up-o2", 2, "up-p", "2024-05-01T10:00:00Z")))));
        Synthetic.Resource updated = Synthetic.observation("up-o1", 40, "up-q", "2024-07-01T00:00:00Z");
        deliverAndAwait(chunk("exp-up-2/Observation-0.ndjson", "Observation", 0, lines(List.of(updated))));
        assertThat(row("observation", "up-o1"))
                .containsEntry("value_quantity", 100.5)
                .containsEntry("patient_id", "up-q")
                .containsEntry("code_display", "Heart rate 40");
        assertThat(row("observation", "up-o2")).containsEntry("value_quantity", 62.5);
        assertThat(count("SELECT count(*) FROM observation WHERE _resource_key IN ('up-o1', 'up-o2')"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM raw.\"Observation\" WHERE id = 'up-o1' AND export_id = 'exp-up-2'"))
                .isEqualTo(1);
    }

    @Test
    void aDeletedResourceIsRemovedAndTombstonedSoOnlyANewerVersionBringsItBack() {
        deliverAndAwait(chunk(
                "exp-del-1/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(
                        Synthetic.patient("del-1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("del-2", 2, "1", "2024-05-01T10:00:00Z")))));
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"meta\":{\"lastUpdated\":"
                + "\"2024-06-01T00:00:00Z\"},\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/del-1\"}}]}";
        ChunkLoaded deleted = deliverAndAwait(chunk(
                "exp-del-2/deleted/Patient-0.ndjson", "Patient", 0, (bundle + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(deleted.rowsLoaded()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'del-1'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id = 'del-1'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'del-2'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE resource_type = 'Patient' "
                        + "AND id = 'del-1' AND deleted_at = TIMESTAMPTZ '2024-06-01 00:00:00+00'"))
                .isEqualTo(1);

        // A version from before the deletion arrives late: it stays deleted.
        deliverAndAwait(chunk(
                "exp-del-0/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(Synthetic.patient("del-1", 3, "1", "2024-05-15T00:00:00Z")))));
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'del-1'"))
                .isZero();

        // The id re-created after the deletion: it is back, and the tombstone is gone.
        deliverAndAwait(chunk(
                "exp-del-3/Patient-0.ndjson",
                "Patient",
                0,
                lines(List.of(Synthetic.patient("del-1", 4, "2", "2024-07-01T00:00:00Z")))));
        assertThat(row("patient", "del-1")).containsEntry("official_family", "Family4");
        assertThat(count("SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE id = 'del-1'"))
                .isZero();
        assertCuratedEqualsTable("Patient", "patient");
    }

    @Test
    void aMalformedLineIsRejectedWithItsNumberAndReasonWhileTheRestLoads() {
        List<String> lines = new ArrayList<>();
        lines.add(Synthetic.patient("bad-1", 1, "1", "2024-05-01T10:00:00Z").json());
        lines.add("{\"resourceType\":\"Patient\",\"id\":\"bad-x\",\"name\":[");
        lines.add(Synthetic.patient("bad-2", 2, "1", "2024-05-01T10:00:00Z").json());
        lines.add(Synthetic.observation("bad-o", 1, "bad-1", "2024-05-01T10:00:00Z")
                .json());
        lines.add(Synthetic.patient("bad-3", 3, "1", "2024-05-01T10:00:00Z").json());
        ChunkReady chunk = chunk("exp-bad/Patient-0.ndjson", "Patient", 0, lines(lines));
        ChunkLoaded loaded = deliverAndAwait(chunk);
        assertThat(loaded.rowsLoaded()).isEqualTo(3);
        assertThat(loaded.rowsRejected()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key IN ('bad-1', 'bad-2', 'bad-3')"))
                .isEqualTo(3);
        String rejected = LoaderTestStack.azurite
                .blobServiceClient()
                .getBlobContainerClient(Containers.REJECTED)
                .getBlobClient(RejectedLinesWriter.blobName(chunk.chunkBlob()))
                .downloadContent()
                .toString();
        List<String> records = rejected.lines().toList();
        assertThat(records).hasSize(2);
        assertThat(records.get(0))
                .contains("\"lineNumber\":2")
                .contains("malformed JSON")
                .contains("\"chunkBlob\":\"" + chunk.chunkBlob() + "\"");
        assertThat(records.get(1))
                .contains("\"lineNumber\":4")
                .contains("resourceType 'Observation' is not the chunk's type 'Patient'");
    }

    @Test
    void aMissingChunkBlobIsDeadLetteredAtOnceWithChunkFailed() {
        ChunkReady missing = new ChunkReady(
                "exp-missing",
                "Patient",
                "exp-missing/Patient-0.ndjson",
                "0x1",
                "exp-missing/Patient-0/0x1/000000.ndjson",
                0,
                1,
                10,
                "0".repeat(64));
        String body = MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", missing, Instant.now()));
        LoaderTestStack.amqp.send(CHUNK_READY, body, Map.of("exportId", "exp-missing", "resourceType", "Patient"));
        ReceivedMessage failed = awaitMatching(FAILED_QUEUE, m -> m.body().contains(missing.chunkBlob()));
        ChunkFailed event = (ChunkFailed) MessageCodec.decode(failed.body()).data();
        assertThat(event.reason()).startsWith(ChunkFailure.CHUNK_NOT_FOUND);
        assertThat(event.chunkBlob()).isEqualTo(missing.chunkBlob());
        ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains(missing.chunkBlob()));
        assertThat(dead.applicationProperties())
                .containsEntry("DeadLetterReason", ChunkFailure.CHUNK_NOT_FOUND)
                .containsEntry("DeadLetterSubscription", Subscriptions.SYNAPSE_LOADER);
        assertThat(dead.body()).isEqualTo(body);
    }

    @Test
    void aChunkOutsideItsExportFolderIsDeadLetteredAsForeign() {
        byte[] bytes = (Synthetic.patient("fx", 1, "1", "2024-05-01T10:00:00Z").json() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        upload("other-export/Patient-0/0x1/000000.ndjson", bytes);
        ChunkReady foreign = new ChunkReady(
                "exp-foreign",
                "Patient",
                "exp-foreign/Patient-0.ndjson",
                "0x1",
                "other-export/Patient-0/0x1/000000.ndjson",
                0,
                1,
                bytes.length,
                Ids.sha256Hex(bytes));
        LoaderTestStack.amqp.send(
                CHUNK_READY,
                MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", foreign, Instant.now())));
        ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-foreign"));
        assertThat(dead.property("DeadLetterReason")).isEqualTo(ChunkFailure.FOREIGN_CHUNK);
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'fx'"))
                .isZero();
    }

    // --- helpers ---

    void assertTyped(String view, String idPrefix, List<Synthetic.Resource> resources) {
        assertThat(count("SELECT count(*) FROM \"" + view + "\" WHERE _resource_key LIKE '" + idPrefix + "%'"))
                .isEqualTo(resources.size());
        for (Synthetic.Resource r : resources) {
            Map<String, Object> row = row(view, r.id());
            assertThat(row).as(view + " " + r.id()).containsExactlyInAnyOrderEntriesOf(withKey(r));
        }
    }

    static Map<String, Object> withKey(Synthetic.Resource r) {
        Map<String, Object> expected = new LinkedHashMap<>(r.expected());
        expected.put("_resource_key", r.id());
        return expected;
    }

    Map<String, Object> row(String view, String id) {
        return warehouse.queries().orElseThrow().query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT * FROM \"" + view + "\" WHERE _resource_key = '" + id + "'")) {
                assertThat(rs.next()).as("a row for " + id + " in " + view).isTrue();
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    // TIMESTAMP WITH TIME ZONE: the instant matters, not the session's offset
                    row.put(md.getColumnName(i), value instanceof OffsetDateTime t ? t.toInstant() : value);
                }
                assertThat(rs.next()).as("one row for " + id + " in " + view).isFalse();
                return row;
            }
        });
    }

    void assertCuratedEqualsTable(String type, String view) {
        try {
            Path file = Files.createTempFile(LoaderTestStack.directory, view, ".parquet");
            LoaderTestStack.azurite
                    .blobServiceClient()
                    .getBlobContainerClient(Containers.CURATED)
                    .getBlobClient(BlobCuratedSink.blobName(type, view))
                    .downloadToFile(file.toString(), true);
            String parquet = "read_parquet('" + file + "')";
            String table = "(SELECT * EXCLUDE (_resource_key) FROM \"" + view + "\")";
            long tableRows = count("SELECT count(*) FROM " + table);
            assertThat(tableRows).isPositive();
            assertThat(count("SELECT count(*) FROM " + parquet)).isEqualTo(tableRows);
            assertThat(count("SELECT count(*) FROM (SELECT * FROM " + parquet + " EXCEPT ALL SELECT * FROM " + table
                            + ")"))
                    .isZero();
            assertThat(count("SELECT count(*) FROM (SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM " + parquet
                            + ")"))
                    .isZero();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    long count(String sql) {
        return warehouse.queries().orElseThrow().query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    void exec(String sql) {
        warehouse.queries().orElseThrow().query(c -> {
            try (Statement s = c.createStatement()) {
                return s.execute(sql);
            }
        });
    }

    static byte[] lines(List<?> items) {
        StringBuilder b = new StringBuilder();
        for (Object o : items) {
            b.append(o instanceof Synthetic.Resource r ? r.json() : o.toString())
                    .append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Uploads a chunk where the splitter would put it and returns its chunk.ready. */
    static ChunkReady chunk(String sourceBlob, String type, int index, byte[] bytes) {
        String stem = sourceBlob.substring(0, sourceBlob.length() - ".ndjson".length());
        String chunkBlob = stem + "/0x8DC0A1B2/" + String.format("%06d", index) + ".ndjson";
        upload(chunkBlob, bytes);
        String exportId = sourceBlob.substring(0, sourceBlob.indexOf('/'));
        long lineCount = new String(bytes, StandardCharsets.UTF_8).lines().count();
        return new ChunkReady(
                exportId,
                type,
                sourceBlob,
                "0x8DC0A1B2",
                chunkBlob,
                index,
                lineCount,
                bytes.length,
                Ids.sha256Hex(bytes));
    }

    static void upload(String name, byte[] bytes) {
        BlobServiceClient service = LoaderTestStack.azurite.blobServiceClient();
        service.getBlobContainerClient(Containers.CHUNKS)
                .getBlobClient(name)
                .getBlockBlobClient()
                .upload(BinaryData.fromBytes(bytes), true);
    }

    static ChunkLoaded deliverAndAwait(ChunkReady chunk) {
        String body = MessageCodec.encode(CloudEvent.of(MessageType.CHUNK_READY, "/test", chunk, Instant.now()));
        LoaderTestStack.amqp.send(
                CHUNK_READY, body, Map.of("exportId", chunk.exportId(), "resourceType", chunk.resourceType()));
        ReceivedMessage m = awaitMatching(LOADED_QUEUE, x -> x.body().contains("\"" + chunk.chunkBlob() + "\""));
        return (ChunkLoaded) MessageCodec.decode(m.body()).data();
    }

    static synchronized ReceivedMessage awaitMatching(String queue, Predicate<ReceivedMessage> matches) {
        if (receiver == null) {
            receiver = new MatchingReceiver(LoaderTestStack.amqp, WAIT);
        }
        return receiver.await(queue, matches);
    }
}
