package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #13's whole pipeline on real Azure: a deployment made by deploy/README.md (Service Bus, Event Grid,
 * ADLS, the four services, a FHIR service and a Synapse / Fabric warehouse), driven only through the admin
 * API with an Entra token, as an operator would. Requests a system export, waits for LOADED, then checks
 * the status has no mismatches, the warehouse's raw rows per type equal the FHIR server's
 * {@code _summary=count}, and no subscription gained a dead letter (none carries the export's id).
 *
 * <p>Skipped, without touching anything, unless FHIRPIPE_AZURE_TRIGGER_URL, FHIRPIPE_AZURE_ADMIN_SCOPE,
 * FHIRPIPE_AZURE_FHIR_URL and FHIRPIPE_SYNAPSE_JDBC_URL are set (the rest: AzureLiveSettings). The counts
 * compare whole tables with the whole server, so the warehouse must hold only what this server exported
 * and nothing may write to the server during the run (see deploy/README.md, the live suite).
 */
class AzurePipelineLiveTest {

    static final Duration POLL = Duration.ofSeconds(10);
    /** The peek API's limit; more dead letters than this on one subscription are caught by the counts. */
    static final int PEEK = 500;

    AzureLiveSettings settings;

    /** Per test rather than per class, so surefire counts the test as skipped, with this reason. */
    @BeforeEach
    void onlyAgainstADeployment() {
        List<String> missing = AzureLiveSettings.missing(System::getenv);
        if (!missing.isEmpty()) {
            // surefire shows a skip's reason only in its reports: say it on the console too
            System.out.println("AzurePipelineLiveTest skipped: not set: " + String.join(", ", missing));
        }
        assumeTrue(
                missing.isEmpty(),
                () -> "the whole-pipeline live test needs a deployment; not set: " + String.join(", ", missing));
        settings = AzureLiveSettings.from(System::getenv);
    }

    @Test
    void aSystemExportEndsLoadedWithTheServersCountsInTheWarehouseAndNoDeadLetters() throws Exception {
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        AdminApi admin = new AdminApi(
                AuthorizedHttp.of(new BearerTokens(credential, settings.adminScope(), Clock.systemUTC())),
                settings.triggerUrl());
        FhirSource fhir = new FhirSource(
                AuthorizedHttp.of(new BearerTokens(credential, settings.fhirScope(), Clock.systemUTC())),
                settings.fhirUrl());
        WarehouseCounts warehouse = new WarehouseCounts(settings.jdbcUrl(), settings.rawSchema(), credential);

        Map<String, Long> deadLettersBefore = admin.deadLetterCounts();
        String exportId = admin.requestExport(settings.fhirServer(), settings.types());
        JsonNode run = admin.awaitFinal(exportId, settings.timeout(), POLL);
        String status = run.path("status").asText();
        if (!status.equals("LOADED")) {
            fail("export " + exportId + " ended " + status + ":\n  "
                    + String.join("\n  ", LiveChecks.failureReasons(run)));
        }

        List<String> types = settings.types().isEmpty() ? LiveChecks.exportedTypes(run) : settings.types();
        assertThat(types).as("types exported by %s", exportId).isNotEmpty();
        Map<String, Long> atSource = new TreeMap<>();
        Map<String, Long> inWarehouse = new TreeMap<>();
        for (String type : types) {
            atSource.put(type, fhir.total(type));
        }
        try (Connection c = warehouse.open()) {
            for (String type : types) {
                inWarehouse.put(type, warehouse.rows(c, type));
            }
        }
        Map<String, Long> deadLettersAfter = admin.deadLetterCounts();

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(LiveChecks.mismatches(run))
                .as("mismatches in GET /exports/%s", exportId)
                .isEmpty();
        soft.assertThat(LiveChecks.countDifferences(atSource, inWarehouse))
                .as("per type, raw rows in the warehouse vs the FHIR server's _summary=count (server: %s)", atSource)
                .isEmpty();
        soft.assertThat(LiveChecks.grownDeadLetters(deadLettersBefore, deadLettersAfter))
                .as("subscriptions that gained dead letters during export %s", exportId)
                .isEmpty();
        deadLettersAfter.forEach((subscription, count) -> {
            if (count > 0) {
                soft.assertThat(admin.deadLettersOf(subscription, exportId, PEEK))
                        .as("dead letters of export %s on %s", exportId, subscription)
                        .isEmpty();
            }
        });
        soft.assertAll();
    }
}
