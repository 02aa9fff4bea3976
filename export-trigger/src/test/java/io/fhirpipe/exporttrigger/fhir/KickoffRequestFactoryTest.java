package io.fhirpipe.exporttrigger.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.fhirclient.auth.NoAuthentication;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.KickoffRequest;
import io.fhirpipe.fhirclient.bulkdata.ServerFlavor;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KickoffRequestFactoryTest {

    private static final FhirServer HAPI = server(ServerFlavor.STANDARD, false);

    @Test
    void systemLevelWithoutParametersIsAPlainGet() {
        KickoffRequest request =
                KickoffRequestFactory.create(HAPI, request(ExportLevel.SYSTEM, null, List.of(), null, null, List.of()));
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).hasToString("http://fhir.test/fhir/$export");
        assertThat(request.parametersBody()).isEmpty();
    }

    @Test
    void everyParameterIsEncodedAndTypeFiltersRepeat() {
        ExportRequested r = new ExportRequested(
                "e1",
                null,
                "hapi",
                ExportLevel.GROUP,
                "grp-small",
                List.of(),
                List.of("Patient", "Observation"),
                Instant.parse("2026-11-26T05:34:57Z"),
                Instant.parse("2026-11-27T00:00:00Z"),
                List.of("Observation?category=laboratory", "Observation?code=http://loinc.org|8867-4"),
                List.of("id", "Patient.gender"),
                "application/fhir+ndjson",
                "exports",
                "deid.json",
                "0x8D",
                List.of("LatestProvenanceResources"),
                null,
                "api");
        KickoffRequest request = KickoffRequestFactory.create(HAPI, r);

        assertThat(request.uri().getRawPath()).isEqualTo("/fhir/Group/grp-small/$export");
        assertThat(request.uri().getRawQuery())
                .isEqualTo(String.join(
                        "&",
                        "_type=Patient%2CObservation",
                        "_since=2026-11-26T05%3A34%3A57Z",
                        "_until=2026-11-27T00%3A00%3A00Z",
                        "_typeFilter=Observation%3Fcategory%3Dlaboratory",
                        "_typeFilter=Observation%3Fcode%3Dhttp%3A%2F%2Floinc.org%7C8867-4",
                        "_elements=id%2CPatient.gender",
                        "_outputFormat=application%2Ffhir%2Bndjson",
                        "includeAssociatedData=LatestProvenanceResources",
                        "_container=exports",
                        "_anonymizationConfig=deid.json",
                        "_anonymizationConfigEtag=0x8D"));
    }

    @Test
    void sinceWithAnOffsetIsSentInUtcSoNoPlusSignReachesTheServer() {
        Instant since =
                java.time.OffsetDateTime.parse("2026-11-26T06:34:57+01:00").toInstant();
        KickoffRequest request = KickoffRequestFactory.create(
                HAPI, request(ExportLevel.SYSTEM, null, List.of(), since, null, List.of()));
        assertThat(request.uri().getRawQuery())
                .isEqualTo("_since=2026-11-26T05%3A34%3A57Z")
                .doesNotContain("+");
    }

    @Test
    void aServerWhoseDeletesAreSoftDeletedIsAskedForThemInIncrementalExportsOnly() {
        FhirServer azure = server(ServerFlavor.AZURE, false, DeleteDetection.SOFT_DELETED);
        KickoffRequest incremental = KickoffRequestFactory.create(
                azure,
                request(ExportLevel.SYSTEM, null, List.of(), Instant.parse("2026-01-01T00:00:00Z"), null, List.of()));
        assertThat(incremental.uri().getRawQuery())
                .isEqualTo("_since=2026-01-01T00%3A00%3A00Z" + "&includeAssociatedData=_deleted");
        KickoffRequest full = KickoffRequestFactory.create(
                azure, request(ExportLevel.SYSTEM, null, List.of(), null, null, List.of()));
        assertThat(full.uri().getRawQuery()).isNull();
        KickoffRequest hapi = KickoffRequestFactory.create(
                HAPI,
                request(ExportLevel.SYSTEM, null, List.of(), Instant.parse("2026-01-01T00:00:00Z"), null, List.of()));
        assertThat(hapi.uri().getRawQuery()).doesNotContain("includeAssociatedData");
    }

    @Test
    void azureGetsTillInsteadOfUntil() {
        KickoffRequest request = KickoffRequestFactory.create(
                server(ServerFlavor.AZURE, false),
                request(
                        ExportLevel.SYSTEM,
                        null,
                        List.of(),
                        Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2026-02-01T00:00:00Z"),
                        List.of()));
        assertThat(request.uri().getRawQuery())
                .contains("_till=2026-02-01T00%3A00%3A00Z")
                .doesNotContain("_until");
    }

    @Test
    void patientsForceAPostWithReferenceParameters() throws Exception {
        KickoffRequest request = KickoffRequestFactory.create(
                HAPI,
                request(
                        ExportLevel.PATIENT,
                        null,
                        List.of("Patient/pt-00004", "Patient/pt-00005"),
                        Instant.parse("2026-01-01T00:00:00Z"),
                        null,
                        List.of("Observation")));
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).hasToString("http://fhir.test/fhir/Patient/$export");
        JsonNode body = Json.mapper().readTree(request.parametersBody().orElseThrow());
        assertThat(body.path("resourceType").asText()).isEqualTo("Parameters");
        assertThat(body.path("parameter").toString()).isEqualTo("""
                [{"name":"_type","valueString":"Observation"},\
                {"name":"_since","valueInstant":"2026-01-01T00:00:00Z"},\
                {"name":"patient","valueReference":{"reference":"Patient/pt-00004"}},\
                {"name":"patient","valueReference":{"reference":"Patient/pt-00005"}}]""");
    }

    @Test
    void aServerConfiguredForPostGetsParametersEvenWithoutPatients() {
        KickoffRequest request = KickoffRequestFactory.create(
                server(ServerFlavor.STANDARD, true),
                request(ExportLevel.SYSTEM, null, List.of(), null, null, List.of("Patient")));
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getQuery()).isNull();
        assertThat(request.parametersBody().orElseThrow()).contains("\"_type\"");
    }

    private static ExportRequested request(
            ExportLevel level, String group, List<String> patients, Instant since, Instant until, List<String> types) {
        return new ExportRequested(
                "e1", null, "hapi", level, group, patients, types, since, until, List.of(), List.of(), null, null, null,
                null, List.of(), null, "api");
    }

    private static FhirServer server(ServerFlavor flavor, boolean post) {
        return server(flavor, post, DeleteDetection.MANIFEST);
    }

    private static FhirServer server(ServerFlavor flavor, boolean post, DeleteDetection deletes) {
        return new FhirServer(
                "hapi",
                URI.create("http://fhir.test/fhir/"),
                flavor,
                post,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                new NoAuthentication(),
                deletes);
    }
}
