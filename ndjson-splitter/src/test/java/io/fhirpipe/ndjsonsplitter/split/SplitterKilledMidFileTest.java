package io.fhirpipe.ndjsonsplitter.split;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.ndjsonsplitter.SplitterTestStack;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #4, item 5: a splitter killed (SIGKILL, in its own JVM) in the middle of a file has announced
 * nothing, and splitting the file again — what a redelivery does — announces every chunk exactly once,
 * with chunks that concatenate to the file.
 */
@QuarkusTest
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
class SplitterKilledMidFileTest {

    static final int MAX_LINES = 20;
    static final int LINES = 2_400;
    static final String EXPORT = "exp-killed";

    // Shares the splitter tests' broker and storage (one class loader for the test-support clients).
    EmbeddedArtemis broker = SplitterTestStack.broker;
    Azurite azurite = SplitterTestStack.azurite;
    AmqpTestClient amqp = SplitterTestStack.amqp;
    BlobServiceClient storage = SplitterTestStack.azurite.blobServiceClient();

    @Test
    void aSplitterKilledMidFileAnnouncesNothingAndTheRedoAnnouncesEveryChunkOnce() throws Exception {
        LandingBlob blob = LandingBlob.parse(EXPORT + "/Observation-0.ndjson").orElseThrow();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            lines.add("{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\"}");
        }
        storage.getBlobContainerClient(Containers.LANDING)
                .getBlobClient(blob.name())
                .upload(BinaryData.fromString(String.join("\n", lines) + "\n"), true);
        int expectedChunks = LINES / MAX_LINES;
        BlobContainerClient chunks = storage.getBlobContainerClient(Containers.CHUNKS);
        String chunkReadyQueue =
                Topology.standard().topic(Topics.CHUNK_READY).queueAddress(Subscriptions.SYNAPSE_LOADER);
        String splitCompletedQueue =
                Topology.standard().topic(Topics.SPLIT_COMPLETED).queueAddress(Subscriptions.EXPORT_TRACKER);

        Process child = startChild(blob);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Kill once some chunks are in storage but far from all: the process is mid-file.
            while (chunkCount(chunks, blob) < 5) {
                assertThat(child.isAlive())
                        .as("the child splitter ended before it could be killed; log: %s", childLog())
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("no chunk appeared within 60 s")
                        .isLessThan(deadline);
                Thread.sleep(5);
            }
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        int writtenBeforeKill = chunkCount(chunks, blob);
        assertThat(writtenBeforeKill).as("killed mid-file").isBetween(5, expectedChunks - 1);
        assertThat(ofThisExport(amqp.browse(chunkReadyQueue, Duration.ofMillis(500))))
                .as("half-announced chunks")
                .isEmpty();
        assertThat(ofThisExport(amqp.browse(splitCompletedQueue, Duration.ofMillis(200))))
                .isEmpty();

        // The redelivered event makes a splitter do the whole file again.
        List<CloudEvent<?>> published = new ArrayList<>();
        EventSink chunkReady = event -> {
            published.add(event);
            amqp.send(Topics.CHUNK_READY, MessageCodec.encode(event));
            return CompletableFuture.completedFuture(null);
        };
        EventSink splitCompleted = event -> {
            amqp.send(Topics.SPLIT_COMPLETED, MessageCodec.encode(event));
            return CompletableFuture.completedFuture(null);
        };
        SplitSettings defaults = SplitSettings.defaults(new ChunkLimits(MAX_LINES, 1024 * 1024));
        SplitReport report = new LandingFileSplitter(storage, defaults, chunkReady, splitCompleted, Clock.systemUTC())
                .split(blob, null);

        assertThat(report.chunks()).hasSize(expectedChunks);
        assertThat(chunkCount(chunks, blob)).isEqualTo(expectedChunks);
        List<ReceivedMessage> announced = ofThisExport(amqp.drain(chunkReadyQueue, Duration.ofSeconds(1)));
        assertThat(announced).hasSize(expectedChunks);
        assertThat(announced.stream()
                        .map(m -> MessageCodec.decode(m.body(), MessageType.CHUNK_READY)
                                .id())
                        .distinct())
                .as("one announcement per chunk, no duplicates")
                .hasSize(expectedChunks);
        assertThat(ofThisExport(amqp.drain(splitCompletedQueue, Duration.ofMillis(500))))
                .hasSize(1);

        List<String> concatenated = new ArrayList<>();
        report.chunks().stream()
                .sorted(Comparator.comparingInt(ChunkReady::chunkIndex))
                .forEach(c -> concatenated.addAll(chunks.getBlobClient(c.chunkBlob())
                        .downloadContent()
                        .toString()
                        .lines()
                        .toList()));
        assertThat(concatenated).containsExactlyElementsOf(lines);
    }

    /** Other splitter tests share the queues; only this test's export counts here. */
    private static List<ReceivedMessage> ofThisExport(List<ReceivedMessage> messages) {
        return messages.stream()
                .filter(m -> EXPORT.equals(MessageCodec.decode(m.body()).data().exportId()))
                .toList();
    }

    private static int chunkCount(BlobContainerClient chunks, LandingBlob blob) {
        int n = 0;
        for (BlobItem ignored : chunks.listBlobs(new ListBlobsOptions().setPrefix("exp-killed/Observation-0/"), null)) {
            n++;
        }
        return n;
    }

    static Path log;

    private Process startChild(LandingBlob blob) throws Exception {
        log = Files.createTempFile("splitter-child", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SplitterChildProcess.class.getName(),
                        broker.host(),
                        Integer.toString(broker.amqpPort()),
                        blob.name(),
                        Integer.toString(MAX_LINES))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        child.environment().putAll(broker.credentials().environment());
        Process process = child.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((azurite.connectionString() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return process;
    }

    private static String childLog() {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
