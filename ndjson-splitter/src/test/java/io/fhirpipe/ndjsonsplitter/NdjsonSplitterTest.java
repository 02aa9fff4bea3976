package io.fhirpipe.ndjsonsplitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedEvents;
import io.fhirpipe.ndjsonsplitter.events.LandingUrlPolicy;
import io.fhirpipe.testsupport.broker.MatchingReceiver;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.broker.Redeliveries;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The splitter end to end on Azurite and embedded Artemis: files are uploaded to the landing
 * container, BlobCreated events are posted by hand (Azurite emits none), and what the splitter
 * publishes and writes is read back. Limits are small (7 lines, 2 KiB) so files yield many chunks.
 */
@QuarkusTest
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
public class NdjsonSplitterTest {

    static final String CHUNK_READY_QUEUE =
            Topology.standard().topic(Topics.CHUNK_READY).queueAddress(Subscriptions.SYNAPSE_LOADER);
    static final String SPLIT_COMPLETED_QUEUE =
            Topology.standard().topic(Topics.SPLIT_COMPLETED).queueAddress(Subscriptions.EXPORT_TRACKER);
    static final String DEAD_LETTERS = Topology.deadLetterAddress(Topics.BLOB_CREATED);
    static final String FILE_FAILED_QUEUE =
            Topology.standard().topic(Topics.FILE_FAILED).queueAddress(Subscriptions.EXPORT_TRACKER);
    static final Duration WAIT = Duration.ofSeconds(30);

    @jakarta.inject.Inject
    io.fhirpipe.ndjsonsplitter.events.BlobCreatedConsumer consumer;

    /** Messages read while looking for others are kept for later waits, so no test loses another's. */
    static MatchingReceiver receiver;

    static String patient(String id, int n) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Family" + n
                + "\",\"given\":[\"G" + "x".repeat(n % 40) + "\"]}],\"birthDate\":\"1970-01-01\"}";
    }

    static String observation(int n) {
        return "{\"resourceType\":\"Observation\",\"id\":\"o" + n + "\",\"status\":\"final\",\"code\":{\"text\":\"c" + n
                + "\"}}";
    }

    @Test
    void aMultiFileExportIsSplitIntoBoundedChunksThatConcatenateToTheValidLines() throws IOException {
        String exportId = "exp-multi";
        // Patient file: CRLF, blank lines, bad lines of every kind, an oversized line, no final newline.
        List<String> valid = new ArrayList<>();
        StringBuilder patients = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            String line = patient("p" + i, i);
            valid.add(line);
            patients.append(line).append(i % 2 == 0 ? "\r\n" : "\n");
            if (i == 10) {
                patients.append("{\"resourceType\":\"Patient\",\"id\":\"broken\"\n"); // line 12: malformed
            }
            if (i == 20) {
                patients.append(observation(99)).append('\n'); // line 23: wrong resourceType
                patients.append("\n   \n"); // 24, 25: blank
            }
            if (i == 30) {
                patients.append("{\"resourceType\":\"Patient\",\"active\":true}\n"); // line 35: no id
                patients.append("{\"resourceType\":\"Patient\",\"id\":\"huge\",\"text\":\"")
                        .append("h".repeat(5000))
                        .append("\"}\n"); // line 36: oversized
            }
        }
        String patientText = patients.substring(0, patients.length() - 1); // no final newline ("\n" of line 64)
        String patientEtag = upload(exportId + "/Patient-0.ndjson", patientText.getBytes(StandardCharsets.UTF_8));

        StringBuilder observations = new StringBuilder();
        List<String> validObservations = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            validObservations.add(observation(i));
            observations.append(observation(i)).append('\n');
        }
        String obsEtag = upload(exportId + "/Observation-0.ndjson.gz", gzip(observations.toString()));

        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED, eventGridBlobCreated("PutBlob", exportId + "/Patient-0.ndjson", patientEtag));
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED,
                cloudEventsBlobCreated("PutBlockList", exportId + "/Observation-0.ndjson.gz", obsEtag));

        SplitCompleted patientDone = awaitSplit(exportId, "Patient");
        SplitCompleted obsDone = awaitSplit(exportId, "Observation");

        assertThat(patientDone.lineCount()).isEqualTo(60);
        assertThat(patientDone.rejectedLines()).isEqualTo(4);
        assertThat(patientDone.sourceBlob()).isEqualTo(exportId + "/Patient-0.ndjson");
        assertThat(patientDone.chunkCount()).isGreaterThanOrEqualTo(9);
        assertThat(obsDone.lineCount()).isEqualTo(40);
        assertThat(obsDone.rejectedLines()).isZero();
        assertThat(obsDone.chunkCount()).isEqualTo(6);

        List<CloudEvent<EventData>> patientChunks = awaitChunks(exportId, "Patient", patientDone.chunkCount());
        assertChunksEqual(patientChunks, valid, patientDone);
        List<CloudEvent<EventData>> obsChunks = awaitChunks(exportId, "Observation", obsDone.chunkCount());
        assertChunksEqual(obsChunks, validObservations, obsDone);

        String rejected =
                download(Containers.REJECTED, exportId + "/Patient-0/" + normalize(patientEtag) + "/rejected.ndjson");
        List<String> records = rejected.lines().toList();
        assertThat(records).hasSize(4);
        assertThat(records.get(0))
                .contains("\"lineNumber\":12")
                .contains("malformed JSON")
                .contains("\"sourceBlob\":\"exp-multi/Patient-0.ndjson\"");
        assertThat(records.get(1))
                .contains("\"lineNumber\":23")
                .contains("resourceType 'Observation' is not the file's type 'Patient'");
        assertThat(records.get(2)).contains("\"lineNumber\":36").contains("missing id");
        assertThat(records.get(3))
                .contains("\"lineNumber\":37")
                .contains("larger than the chunk limit of 2048 bytes")
                .contains("\"truncated\":true");
    }

    @Test
    void aDuplicateEventGivesTheSameChunkNamesAndEventIds() throws IOException {
        String exportId = "exp-dup";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            text.append(patient("d" + i, i)).append('\n');
        }
        String etag = upload(exportId + "/Patient-1.ndjson", text.toString().getBytes(StandardCharsets.UTF_8));
        String event = eventGridBlobCreated("PutBlob", exportId + "/Patient-1.ndjson", etag);

        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, event);
        ReceivedMessage first = awaitMessage(SPLIT_COMPLETED_QUEUE, exportId);
        List<CloudEvent<EventData>> firstChunks = awaitChunks(exportId, "Patient", 3);

        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, event);
        ReceivedMessage second = awaitMessage(SPLIT_COMPLETED_QUEUE, exportId);
        List<CloudEvent<EventData>> secondChunks = awaitChunks(exportId, "Patient", 3);

        assertThat(MessageCodec.decode(second.body()).id())
                .isEqualTo(MessageCodec.decode(first.body()).id());
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(secondChunks)
                .extracting(CloudEvent::id)
                .containsExactlyElementsOf(
                        firstChunks.stream().map(CloudEvent::id).toList());
        assertThat(secondChunks)
                .extracting(e -> ((ChunkReady) e.data()).chunkBlob())
                .containsExactlyElementsOf(firstChunks.stream()
                        .map(e -> ((ChunkReady) e.data()).chunkBlob())
                        .toList());
        assertThat(((ChunkReady) firstChunks.get(0).data()).chunkBlob())
                .isEqualTo(exportId + "/Patient-1/" + normalize(etag) + "/000000.ndjson");
        assertThat(firstChunks.get(0).subject()).isEqualTo("Patient");
    }

    @Test
    void aForeignUrlIsDeadLetteredWithItsReasonAndNeverFetched() {
        String body = eventGridBlobCreated("PutBlob", "x", "0x1")
                .replace(
                        SplitterTestStack.azurite.blobEndpoint() + "/landing/x",
                        "http://169.254.169.254/devstoreaccount1/landing/exp-evil/Patient-0.ndjson");
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, body);

        ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains("169.254.169.254"));
        assertThat(dead.applicationProperties())
                .containsEntry("DeadLetterReason", LandingUrlPolicy.FOREIGN_URL)
                .containsEntry("DeadLetterSubscription", Subscriptions.NDJSON_SPLITTER);
        assertThat(String.valueOf(dead.property("DeadLetterErrorDescription"))).contains("IP address");
        assertThat(dead.body()).isEqualTo(body);
    }

    @Test
    void aSasQueryOrDotSegmentsAreDeadLetteredToo() {
        String sas = eventGridBlobCreated("PutBlob", "exp-sas/Patient-0.ndjson?sig=secret", "0x1");
        String dots = eventGridBlobCreated("PutBlob", "exp-dots/../../chunks/Patient-0.ndjson", "0x1");
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, sas);
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, dots);
        assertThat(awaitMatching(DEAD_LETTERS, m -> m.body().contains("sig=secret"))
                        .property("DeadLetterReason"))
                .isEqualTo(LandingUrlPolicy.FOREIGN_URL);
        assertThat(awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-dots"))
                        .property("DeadLetterReason"))
                .isEqualTo(LandingUrlPolicy.FOREIGN_URL);
    }

    @Test
    void aLandingNameOutsideTheLayoutIsDeadLettered() {
        String body = eventGridBlobCreated("PutBlob", "exp-odd/nested/deeper/Patient-0.ndjson", "0x1");
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, body);
        ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-odd/nested"));
        assertThat(dead.property("DeadLetterReason")).isEqualTo(BlobCreatedEvents.OUTSIDE_LAYOUT);
    }

    /** A landing file that cannot be split is announced, so its export fails instead of waiting forever. */
    @Test
    void aCorruptGzipFileIsDeadLetteredAndAnnouncedAsAFailedFile() {
        String name = "exp-badgz/Observation-0.ndjson.gz";
        String etag = upload(name, "not gzip at all".getBytes(StandardCharsets.UTF_8));
        String body = eventGridBlobCreated("PutBlob", name, etag);
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, body);

        ReceivedMessage dead = awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-badgz"));
        assertThat(dead.property("DeadLetterReason")).isEqualTo("CorruptGzip");
        ReceivedMessage failed = awaitMatching(FILE_FAILED_QUEUE, m -> m.body().contains("exp-badgz"));
        io.fhirpipe.model.events.FileFailed data = (io.fhirpipe.model.events.FileFailed)
                io.fhirpipe.model.messages.MessageCodec.decode(failed.body()).data();
        assertThat(data.exportId()).isEqualTo("exp-badgz");
        assertThat(data.landingBlob()).isEqualTo(name);
        assertThat(data.resourceType()).isEqualTo("Observation");
        assertThat(data.stage()).isEqualTo(io.fhirpipe.model.events.FileFailed.SPLIT);
        assertThat(data.reason()).startsWith("CorruptGzip: landing/" + name);
        // the events that never name a landing file announce nothing
        assertThat(SplitterTestStack.amqp.browse(FILE_FAILED_QUEUE, Duration.ofMillis(300)))
                .noneMatch(m -> m.body().contains("169.254.169.254") || m.body().contains("exp-odd"));
    }

    /**
     * The subscription's last delivery still cannot write chunks (the chunks container is gone, a
     * transient storage failure): the file is given up, announced and dead-lettered with the reason.
     */
    @Test
    void onTheLastDeliveryATransientFailureGivesTheFileUpAndAnnouncesIt() throws Exception {
        String name = "exp-lastsplit/Patient-0.ndjson";
        String etag = upload(name, (patient("ls1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        String body = eventGridBlobCreated("PutBlob", name, etag);
        var chunks = SplitterTestStack.azurite.blobServiceClient().getBlobContainerClient(Containers.CHUNKS);
        chunks.delete();
        try {
            List<String> settled = new java.util.concurrent.CopyOnWriteArrayList<>();
            int max = Redeliveries.maxDeliveries(Topics.BLOB_CREATED, Subscriptions.NDJSON_SPLITTER);
            consumer.consume(Redeliveries.lastDelivery(
                            Topics.BLOB_CREATED, Subscriptions.NDJSON_SPLITTER, body, settled))
                    .toCompletableFuture()
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(settled).containsExactly("ack");
            io.fhirpipe.model.events.FileFailed data =
                    (io.fhirpipe.model.events.FileFailed) io.fhirpipe.model.messages.MessageCodec.decode(awaitMatching(
                                            FILE_FAILED_QUEUE, m -> m.body().contains("exp-lastsplit"))
                                    .body())
                            .data();
            assertThat(data.landingBlob()).isEqualTo(name);
            assertThat(data.reason())
                    .startsWith(io.fhirpipe.runtime.messaging.MessageSettlement.DELIVERY_LIMIT_REACHED + ": delivery "
                            + max)
                    .contains("writing the chunks of landing/" + name);
            assertThat(awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-lastsplit"))
                            .property("DeadLetterReason"))
                    .isEqualTo(io.fhirpipe.runtime.messaging.MessageSettlement.DELIVERY_LIMIT_REACHED);
        } finally {
            chunks.create();
        }
    }

    /** Event Grid pushes arrays: a file that cannot be split does not keep the next one from being split. */
    @Test
    void inABatchAFileThatCannotBeSplitIsAnnouncedAndTheOthersAreSplit() {
        String bad = "exp-batch/Observation-0.ndjson.gz";
        String good = "exp-batch/Patient-0.ndjson";
        String badEtag = upload(bad, "not gzip".getBytes(StandardCharsets.UTF_8));
        String goodEtag = upload(good, (patient("b1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED,
                "[" + eventGridBlobCreated("PutBlob", bad, badEtag) + ","
                        + eventGridBlobCreated("PutBlob", good, goodEtag) + "]");

        assertThat(awaitSplit("exp-batch", "Patient").lineCount()).isEqualTo(1);
        io.fhirpipe.model.events.FileFailed failed =
                (io.fhirpipe.model.events.FileFailed) io.fhirpipe.model.messages.MessageCodec.decode(
                                awaitMatching(FILE_FAILED_QUEUE, m -> m.body().contains("exp-batch"))
                                        .body())
                        .data();
        assertThat(failed.landingBlob()).isEqualTo(bad);
        assertThat(awaitMatching(DEAD_LETTERS, m -> m.body().contains("exp-batch"))
                        .property("DeadLetterReason"))
                .isEqualTo("CorruptGzip");
    }

    @Test
    void eventsThatAreNotFinishedLandingNdjsonFilesAreAckedAndIgnored() throws IOException {
        String exportId = "exp-ignored";
        String etag =
                upload(exportId + "/Patient-0.ndjson", (patient("i1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED, eventGridBlobCreated("PutBlock", exportId + "/Patient-0.ndjson", etag));
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED, eventGridBlobCreated("PutBlob", exportId + "/manifest.json", etag));
        // Then a real one: when it is done, the earlier ones were consumed without any output or dead letter.
        SplitterTestStack.amqp.send(
                Topics.BLOB_CREATED, eventGridBlobCreated("CopyBlob", exportId + "/Patient-0.ndjson", etag));
        SplitCompleted done = awaitSplit(exportId, "Patient");
        assertThat(done.lineCount()).isEqualTo(1);
        assertThat(SplitterTestStack.amqp.browse(DEAD_LETTERS, Duration.ofMillis(300)))
                .noneMatch(m -> m.body().contains(exportId));
        assertThat(SplitterTestStack.broker.messageCount("blob-created.ndjson-splitter"))
                .isZero();
    }

    // --- helpers ---

    @Test
    void aDeletedResourcesFileOfBundlesWithoutIdsIsSplitWithNothingRejected() {
        String exportId = "exp-deleted";
        // As the Bulk Data specification shows them: transaction Bundles of DELETE entries, no Bundle.id.
        List<String> bundles = List.of(
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                        + "{\"method\":\"DELETE\",\"url\":\"Patient/p1\"}}]}",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                        + "{\"method\":\"DELETE\",\"url\":\"Observation/o9\"}}]}");
        String name = exportId + "/deleted/Bundle-1.ndjson";
        String etag = upload(name, (String.join("\n", bundles) + "\n").getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, eventGridBlobCreated("PutBlockList", name, etag));

        SplitCompleted done = awaitSplit(exportId, "Bundle");
        assertThat(done.rejectedLines()).isZero();
        assertThat(done.lineCount()).isEqualTo(2);
        assertChunksEqual(awaitChunks(exportId, "Bundle", 1), bundles, done);
    }

    /** The deletes fhirpipe read from _history land as a file named after their type, of Bundles. */
    @Test
    void aDeletedFileNamedAfterItsTypeHoldsBundlesAndIsSplitWithNothingRejected() {
        String exportId = "exp-deleted-typed";
        List<String> bundles = List.of("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"Observation/o1\"},\"response\":{\"status\":\"204\","
                + "\"lastModified\":\"2026-12-03T08:17:10Z\"}}]}");
        String name = exportId + "/deleted/Observation-0.ndjson";
        String etag = upload(name, (bundles.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(Topics.BLOB_CREATED, eventGridBlobCreated("PutBlockList", name, etag));

        SplitCompleted done = awaitSplit(exportId, "Observation");
        assertThat(done.rejectedLines()).isZero();
        assertThat(done.lineCount()).isEqualTo(1);
        assertChunksEqual(awaitChunks(exportId, "Observation", 1), bundles, done);
    }

    static void assertChunksEqual(List<CloudEvent<EventData>> chunks, List<String> expectedLines, SplitCompleted done) {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            CloudEvent<EventData> event = chunks.get(i);
            ChunkReady chunk = (ChunkReady) event.data();
            assertThat(chunk.chunkIndex()).isEqualTo(i);
            assertThat(chunk.sourceEtag()).isEqualTo(done.sourceEtag());
            byte[] bytes = SplitterTestStack.azurite
                    .blobServiceClient()
                    .getBlobContainerClient(Containers.CHUNKS)
                    .getBlobClient(chunk.chunkBlob())
                    .downloadContent()
                    .toBytes();
            assertThat(bytes.length).isEqualTo(chunk.bytes()).isLessThanOrEqualTo(SplitterTestStack.MAX_BYTES);
            assertThat(Ids.sha256Hex(bytes)).isEqualTo(chunk.sha256());
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertThat(text.lines().count())
                    .isEqualTo(chunk.lineCount())
                    .isLessThanOrEqualTo(SplitterTestStack.MAX_LINES);
            all.append(text);
        }
        assertThat(all.toString()).isEqualTo(String.join("\n", expectedLines) + "\n");
        assertThat(chunks.stream()
                        .mapToLong(c -> ((ChunkReady) c.data()).lineCount())
                        .sum())
                .isEqualTo(done.lineCount());
    }

    static SplitCompleted awaitSplit(String exportId, String resourceType) {
        ReceivedMessage m = awaitMatching(
                SPLIT_COMPLETED_QUEUE,
                x -> exportId.equals(x.property("exportId")) && resourceType.equals(x.property("resourceType")));
        return (SplitCompleted) MessageCodec.decode(m.body()).data();
    }

    static ReceivedMessage awaitMessage(String queue, String exportId) {
        return awaitMatching(queue, m -> exportId.equals(m.property("exportId")));
    }

    static List<CloudEvent<EventData>> awaitChunks(String exportId, String resourceType, int count) {
        List<CloudEvent<EventData>> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ReceivedMessage m = awaitMatching(
                    CHUNK_READY_QUEUE,
                    x -> exportId.equals(x.property("exportId")) && resourceType.equals(x.property("resourceType")));
            chunks.add(MessageCodec.decode(m.body()));
        }
        chunks.sort(Comparator.comparingInt(e -> ((ChunkReady) e.data()).chunkIndex()));
        return chunks;
    }

    static synchronized ReceivedMessage awaitMatching(String queue, Predicate<ReceivedMessage> matches) {
        if (receiver == null) {
            receiver = new MatchingReceiver(SplitterTestStack.amqp, WAIT);
        }
        return receiver.await(queue, matches);
    }

    static String upload(String name, byte[] bytes) {
        BlobServiceClient service = SplitterTestStack.azurite.blobServiceClient();
        BlobContainerClient landing = service.getBlobContainerClient(Containers.LANDING);
        landing.createIfNotExists();
        return landing.getBlobClient(name)
                .getBlockBlobClient()
                .upload(BinaryData.fromBytes(bytes), true)
                .getETag();
    }

    static String download(String container, String name) {
        return SplitterTestStack.azurite
                .blobServiceClient()
                .getBlobContainerClient(container)
                .getBlobClient(name)
                .downloadContent()
                .toString();
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static String normalize(String etag) {
        return etag.replace("\"", "");
    }

    static String url(String blobName) {
        return SplitterTestStack.azurite.blobEndpoint() + "/landing/" + blobName;
    }

    static String eventGridBlobCreated(String api, String blobName, String etag) {
        return """
                {"topic":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
                 "subject":"/blobServices/default/containers/landing/blobs/%s","eventType":"Microsoft.Storage.BlobCreated",
                 "id":"%s","dataVersion":"","metadataVersion":"1","eventTime":"2026-11-26T08:00:00Z",
                 "data":{"api":"%s","eTag":"%s","contentType":"application/x-ndjson","blobType":"BlockBlob",
                 "url":"%s"}}""".formatted(blobName, Ids.deterministic(api, blobName, etag), api, normalize(etag), url(blobName));
    }

    static String cloudEventsBlobCreated(String api, String blobName, String etag) {
        return """
                {"specversion":"1.0","id":"%s","type":"Microsoft.Storage.BlobCreated",
                 "source":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
                 "subject":"/blobServices/default/containers/landing/blobs/%s","time":"2026-11-26T08:00:00Z",
                 "data":{"api":"%s","eTag":"%s","contentType":"application/x-ndjson","blobType":"BlockBlob",
                 "url":"%s"}}""".formatted(
                Ids.deterministic(api, blobName, etag), blobName, api, etag.replace("\"", "\\\""), url(blobName));
    }
}
