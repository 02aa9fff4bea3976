package io.fhirpipe.devfhirserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.devfhirserver.seed.SeedCounts;
import io.fhirpipe.devfhirserver.seed.SyntheticData;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts the real server in this JVM on a free port with 20 synthetic patients, then exports over
 * HTTP as the export-poller would, and checks that what comes out is exactly what went in.
 * Prints start-up time, export times and resident memory.
 */
class DevFhirServerTest {

    private static final int PATIENTS = 20;
    private static final SyntheticData DATA = SyntheticData.generate(PATIENTS, ServerOptions.DEFAULT_SEED_RANDOM);
    private static final SeedCounts EXPECTED = DATA.counts();

    private static DevFhirServer server;
    private static BulkExportClient client;
    private static SeedCounts seeded;

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        server = DevFhirServer.start(ServerOptions.parse("--port", "0"));
        long springAndJetty = System.nanoTime();
        seeded = server.seed(PATIENTS, ServerOptions.DEFAULT_SEED_RANDOM);
        long seededAt = System.nanoTime();
        server.awaitMetadata();
        long ready = System.nanoTime();
        client = new BulkExportClient(server.baseUrl());
        System.out.printf(
                "dev-fhir-server: start %d ms, seed of %d resources %d ms, first /metadata %d ms, total %d ms, RSS %s%n",
                millis(started, springAndJetty),
                seeded.total(),
                millis(springAndJetty, seededAt),
                millis(seededAt, ready),
                millis(started, ready),
                residentMemory());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void seedingStoresEveryGeneratedResource() {
        assertThat(seeded).isEqualTo(EXPECTED);
        assertThat(EXPECTED.of("Patient")).isEqualTo(PATIENTS);
        assertThat(EXPECTED.of("Organization")).isEqualTo(2);
        assertThat(EXPECTED.of("Practitioner")).isEqualTo(3);
        assertThat(EXPECTED.of("Group")).isEqualTo(2);
        assertThat(EXPECTED.of("Encounter")).isBetween(PATIENTS, 3 * PATIENTS);
        assertThat(EXPECTED.of("Observation")).isGreaterThanOrEqualTo(2 * EXPECTED.of("Encounter"));
        assertThat(EXPECTED.of("Condition")).isPositive();
        assertThat(EXPECTED.of("MedicationRequest")).isPositive();
    }

    @Test
    void metadataAdvertisesExport() throws Exception {
        HttpResponse<String> metadata = client.get("metadata", "Accept", "application/fhir+json");

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body())
                .contains("\"resourceType\":\"CapabilityStatement\"")
                .contains("\"name\":\"export\"");
    }

    @Test
    void searchTotalsMatchTheSeed() throws Exception {
        for (Map.Entry<String, Integer> type : EXPECTED.byType().entrySet()) {
            assertThat(client.total(type.getKey())).as(type.getKey()).isEqualTo(type.getValue());
        }
    }

    @Test
    void systemExportHoldsEveryResourceOnce() throws Exception {
        long started = System.nanoTime();
        URI status = client.kickOff("$export");
        JsonNode manifest = client.awaitManifest(status);
        long done = System.nanoTime();
        Map<String, List<String>> exported = client.download(manifest);
        System.out.printf(
                "system $export of %d resources: %d ms to manifest, %d ms with downloads%n",
                EXPECTED.total(), millis(started, done), millis(started, System.nanoTime()));

        assertThat(manifest.path("error")).isEmpty();
        assertThat(manifest.path("requiresAccessToken").asBoolean()).isTrue();
        Map<String, Integer> serverTotals = new TreeMap<>();
        for (String type : EXPECTED.byType().keySet()) {
            serverTotals.put(type, client.total(type));
        }
        assertThat(countsOf(exported)).isEqualTo(serverTotals).isEqualTo(EXPECTED.byType());
        exported.forEach((type, ids) -> assertThat(ids).as(type).doesNotHaveDuplicates());
    }

    @Test
    void patientExportHoldsThePatientCompartment() throws Exception {
        JsonNode manifest = client.awaitManifest(client.kickOff("Patient/$export?_type=Patient,Observation"));
        Map<String, List<String>> exported = client.download(manifest);

        assertThat(countsOf(exported))
                .isEqualTo(Map.of(
                        "Patient", client.total("Patient"),
                        "Observation", client.total("Observation")));
    }

    @Test
    void patientExportOfATypeOutsideTheCompartmentFailsOnlyWhenPolled() throws Exception {
        // HAPI accepts the kick-off and fails the job: a poller sees 500 with an OperationOutcome.
        URI status = client.kickOff("Patient/$export?_type=Organization");

        assertThatThrownBy(() -> client.awaitManifest(status))
                .hasMessageContaining("poll answered 500")
                .hasMessageContaining("HAPI-2222");
    }

    @Test
    void groupExportHoldsExactlyTheMembers() throws Exception {
        long started = System.nanoTime();
        JsonNode manifest =
                client.awaitManifest(client.kickOff("Group/" + SyntheticData.COHORT_GROUP + "/$export?_type=Patient"));
        System.out.printf("Group $export: %d ms to manifest%n", millis(started, System.nanoTime()));
        Map<String, List<String>> exported = client.download(manifest);

        List<String> members = DATA.groupMembers(SyntheticData.COHORT_GROUP);
        assertThat(members).isNotEmpty().hasSizeLessThan(PATIENTS);
        assertThat(exported.get("Patient")).containsExactlyInAnyOrderElementsOf(members);
        assertThat(exported.keySet()).containsOnly("Patient");
    }

    private static Map<String, Integer> countsOf(Map<String, List<String>> exported) {
        return exported.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size(), (a, b) -> a, TreeMap::new));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static String residentMemory() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> line.substring("VmRSS:".length()).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
