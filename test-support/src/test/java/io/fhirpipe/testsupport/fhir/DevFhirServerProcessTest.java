package io.fhirpipe.testsupport.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real dev-fhir-server JVM (needs {@code mvn -pl dev-fhir-server package} first, which a
 * reactor build does before test-support) and checks what a test relies on: the base URL, the
 * seeded data being searchable, the log file, and that close kills the process.
 */
class DevFhirServerProcessTest {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void startsSeededServerAndKillsItOnClose() throws Exception {
        DevFhirServerProcess fhir =
                DevFhirServerProcess.builder().seedPatients(6).start();
        long pid;
        String baseUrl;
        try {
            pid = fhir.pid();
            baseUrl = fhir.baseUrl();
            System.out.printf(
                    "dev-fhir-server process: ready in %d ms, RSS %s kB, %s%n",
                    fhir.startupTime().toMillis(), fhir.residentMemoryKb().orElse(-1L), fhir.seeded());

            assertThat(baseUrl).matches("http://127\\.0\\.0\\.1:\\d+/fhir");
            assertThat(fhir.seeded())
                    .containsEntry("Patient", 6)
                    .containsEntry("Group", 2)
                    .containsKeys("Encounter", "Observation", "Organization", "Practitioner");
            HttpResponse<String> count = get(baseUrl + "/Patient?_summary=count");
            assertThat(count.statusCode()).isEqualTo(200);
            assertThat(count.body()).contains("\"total\":6");
            assertThat(fhir.logFile()).isRegularFile();
            assertThat(Files.readString(fhir.logFile())).contains(DevFhirServerProcess.READY_PREFIX + baseUrl);
        } finally {
            fhir.close();
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(fhir.isRunning()).isFalse();
        assertThatThrownBy(() -> get(baseUrl + "/metadata")).isInstanceOf(ConnectException.class);
    }

    @Test
    void findsTheBuiltModuleFromASubfolder(@TempDir Path repo) throws IOException {
        Path module = builtModule(repo);
        Path deep = Files.createDirectories(repo.resolve("ndjson-splitter/src/test"));
        // Other modules write a target/classpath.txt too; that must not pass for the server.
        Files.createDirectories(repo.resolve("ndjson-splitter/target"));
        Files.writeString(repo.resolve("ndjson-splitter/target/classpath.txt"), "/c.jar");

        assertThat(DevFhirServerProcess.findModuleFrom(deep)).isEqualTo(module);
        assertThat(DevFhirServerProcess.findModuleFrom(module.resolve("target")))
                .isEqualTo(module);
    }

    @Test
    void tellsHowToBuildAnUnbuiltModule(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("dev-fhir-server"));
        Files.writeString(repo.resolve("dev-fhir-server/pom.xml"), "<project/>");
        Path start = Files.createDirectories(repo.resolve("export-poller"));

        assertThatThrownBy(() -> DevFhirServerProcess.findModuleFrom(start))
                .hasMessageContaining("is not built")
                .hasMessageContaining("mvn -pl dev-fhir-server package");
    }

    @Test
    void buildsTheJavaCommandFromTheClasspathFile(@TempDir Path repo) throws IOException {
        Path module = builtModule(repo);

        assertThat(DevFhirServerProcess.builder()
                        .seedPatients(3)
                        .seedRandom(9)
                        .jvmOption("-Dx=y")
                        .command(module))
                .containsSubsequence(
                        "-Xmx1g",
                        "-XX:TieredStopAtLevel=1",
                        "-Dx=y",
                        "-cp",
                        module.resolve("target/classes") + ":/a.jar:/b.jar",
                        "io.fhirpipe.devfhirserver.DevFhirServer",
                        "--port",
                        "0",
                        "--seed",
                        "3",
                        "--seed-random",
                        "9");
    }

    @Test
    void parsesTheSeededLine() {
        assertThat(DevFhirServerProcess.parseSeeded("Condition=20 Group=2 Patient=20 total=42"))
                .isEqualTo(Map.of("Condition", 20, "Group", 2, "Patient", 20));
    }

    private static Path builtModule(Path repo) throws IOException {
        Path module = repo.resolve("dev-fhir-server");
        Files.createDirectories(module.resolve("target/classes/io/fhirpipe/devfhirserver"));
        Files.writeString(module.resolve("target/classes/io/fhirpipe/devfhirserver/DevFhirServer.class"), "");
        Files.writeString(module.resolve("target/classpath.txt"), "/a.jar:/b.jar\n");
        return module;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "application/fhir+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
