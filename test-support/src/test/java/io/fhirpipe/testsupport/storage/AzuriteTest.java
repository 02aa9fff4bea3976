package io.fhirpipe.testsupport.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzuriteTest {

    private static final String NDJSON =
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n";

    @TempDir
    Path temp;

    @Test
    void servesTheBlobApiUntilStoppedThenFreesItsPortAndFolder() throws IOException {
        long t0 = System.nanoTime();
        Azurite azurite = Azurite.start();
        System.out.println(
                "Azurite started in " + (System.nanoTime() - t0) / 1_000_000 + " ms on " + azurite.blobEndpoint());
        Path scratch;
        try {
            assertThat(azurite.blobEndpoint())
                    .isEqualTo("http://127.0.0.1:" + azurite.blobPort() + "/devstoreaccount1");
            assertThat(azurite.accountName()).isEqualTo("devstoreaccount1");
            assertThat(azurite.connectionString())
                    .contains("AccountName=devstoreaccount1", "BlobEndpoint=" + azurite.blobEndpoint());
            assertThat(azurite.toString()).doesNotContain("AccountKey").doesNotContain("Eby8");
            scratch = azurite.scratchDirectory();
            assertThat(scratch).isDirectory();

            BlobServiceClient service = azurite.blobServiceClient();
            BlobContainerClient landing = service.createBlobContainer("landing");
            landing.getBlobClient("export-1/Patient-1.ndjson").upload(BinaryData.fromString(NDJSON));
            landing.getBlobClient("export-1/Observation-1.ndjson").upload(BinaryData.fromString("{}\n"));

            assertThat(landing.getBlobClient("export-1/Patient-1.ndjson")
                            .downloadContent()
                            .toString())
                    .isEqualTo(NDJSON);
            assertThat(landing.listBlobs().stream().map(BlobItem::getName))
                    .containsExactlyInAnyOrder("export-1/Patient-1.ndjson", "export-1/Observation-1.ndjson");
            assertThat(service.listBlobContainers().stream().map(c -> c.getName()))
                    .containsExactly("landing");
        } finally {
            azurite.stop();
        }

        assertThat(azurite.isRunning()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", azurite.blobPort()).close())
                .isInstanceOf(IOException.class);
        assertThat(scratch).doesNotExist();
        azurite.stop(); // idempotent
    }

    @Test
    void keepsBlobsAcrossARestartOnTheSameDataDirectory() {
        Path data = temp.resolve("azurite-data");
        try (Azurite azurite = Azurite.builder().dataDirectory(data).start()) {
            azurite.blobServiceClient()
                    .createBlobContainer("state")
                    .getBlobClient("watermark.json")
                    .upload(BinaryData.fromString("{\"since\":\"2026-01-01T00:00:00Z\"}"));
        }
        assertThat(data).isNotEmptyDirectory();
        try (Azurite azurite = Azurite.builder().dataDirectory(data).start()) {
            assertThat(azurite.blobServiceClient()
                            .getBlobContainerClient("state")
                            .getBlobClient("watermark.json")
                            .downloadContent()
                            .toString())
                    .isEqualTo("{\"since\":\"2026-01-01T00:00:00Z\"}");
        }
    }

    /**
     * Issue "Real servers, real data" (3): the state the services write last (run record, progress,
     * watermark) was lost when the stack stopped. A stop of the local stack is a stop() of Azurite
     * together with the signal its process group gets (Ctrl-C is SIGINT, demo.py's killpg SIGTERM), a
     * few milliseconds apart: the old code lost everything since the last 5 s autosave in most rounds.
     * Five rounds, each checking that the previous round's last write survived.
     */
    @Test
    void keepsTheLastWritesOfEveryStopRightAfterThemAlsoWithASignalFromItsProcessGroup() throws Exception {
        Path data = temp.resolve("azurite-state");
        int port = 0;
        for (int round = 1; round <= 5; round++) {
            Azurite azurite =
                    Azurite.builder().dataDirectory(data).blobPort(port).start();
            port = azurite.blobPort();
            BlobContainerClient state;
            try {
                BlobServiceClient service = azurite.blobServiceClient();
                state = service.getBlobContainerClient("state");
                BlobContainerClient landing = service.getBlobContainerClient("landing");
                if (round == 1) {
                    state.create();
                    landing.create();
                } else {
                    assertThat(state.getBlobClient("run.json").downloadContent().toString())
                            .as("round %d finds the last state of round %d", round, round - 1)
                            .isEqualTo(runRecord(round - 1, 5));
                    assertThat(landing.getBlobClient("export-" + (round - 1) + "/Patient-1.ndjson")
                                    .downloadContent()
                                    .toString())
                            .isEqualTo(NDJSON);
                }
                landing.getBlobClient("export-" + round + "/Patient-1.ndjson").upload(BinaryData.fromString(NDJSON));
                for (int version = 1; version <= 5; version++) {
                    state.getBlobClient("run.json").upload(BinaryData.fromString(runRecord(round, version)), true);
                }
            } catch (RuntimeException | AssertionError e) {
                azurite.stop();
                throw e;
            }
            // What the stack's process group gets on Ctrl-C or from demo.py, just before the stack stops Azurite.
            signal(azurite.pid(), round % 2 == 0 ? "INT" : "TERM");
            long t0 = System.nanoTime();
            azurite.stop();
            System.out.println("round " + round + ": stop() took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(azurite.isRunning()).isFalse();
        }
        try (Azurite azurite =
                Azurite.builder().dataDirectory(data).blobPort(port).start()) {
            assertThat(azurite.blobServiceClient()
                            .getBlobContainerClient("state")
                            .getBlobClient("run.json")
                            .downloadContent()
                            .toString())
                    .isEqualTo(runRecord(5, 5));
        }
    }

    /**
     * A crash of the JVM that started Azurite (e.g. the local stack's, killed with SIGKILL) must
     * neither lose Azurite's last writes nor leave Azurite running on as an orphan holding the port.
     */
    @Test
    void savesAndExitsWhenTheJvmThatStartedItIsKilled() throws Exception {
        Path data = temp.resolve("azurite-orphan");
        Path log = temp.resolve("child.log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        AzuriteInChildJvm.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ProcessHandle azuritePid = null;
        int port = 0;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (port == 0) {
                Matcher m = AzuriteInChildJvm.WRITTEN.matcher(Files.readString(log));
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    azuritePid = ProcessHandle.of(Long.parseLong(m.group(2))).orElseThrow();
                } else if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the child JVM did not write; its output:\n" + Files.readString(log));
                } else {
                    Thread.sleep(100);
                }
            }
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(azuritePid
                            .onExit()
                            .completeOnTimeout(null, 30, TimeUnit.SECONDS)
                            .get())
                    .as("Azurite exits when the JVM that started it is gone")
                    .isNotNull();
        } finally {
            child.destroyForcibly();
            if (azuritePid != null) {
                azuritePid.destroyForcibly();
            }
        }
        try (Azurite azurite =
                Azurite.builder().dataDirectory(data).blobPort(port).start()) {
            assertThat(azurite.blobServiceClient()
                            .getBlobContainerClient("state")
                            .getBlobClient("run.json")
                            .downloadContent()
                            .toString())
                    .isEqualTo(runRecord(1, 5));
        }
    }

    static String runRecord(int round, int version) {
        return "{\"exportId\":\"export-" + round + "\",\"status\":\"LOADED\",\"version\":" + version + "}";
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).isZero();
    }

    @Test
    void aLauncherThatExitsEarlyFailsTheStartWithItsOutput() throws IOException {
        Path fake = temp.resolve("azurite-blob");
        Files.writeString(fake, "#!/bin/sh\necho \"cannot start: missing thing\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(AzuriteInstallation.BIN_PROPERTY, fake.toString());
        try {
            assertThatThrownBy(Azurite::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("cannot start: missing thing");
        } finally {
            System.clearProperty(AzuriteInstallation.BIN_PROPERTY);
        }
    }

    @Test
    void anOverrideThatIsNotExecutableIsNamedInTheError() {
        System.setProperty(
                AzuriteInstallation.BIN_PROPERTY, temp.resolve("nothing-here").toString());
        try {
            assertThatThrownBy(Azurite::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nothing-here")
                    .hasMessageContaining(AzuriteInstallation.BIN_PROPERTY);
        } finally {
            System.clearProperty(AzuriteInstallation.BIN_PROPERTY);
        }
    }
}
