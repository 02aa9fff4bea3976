package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15: the trigger's status page in Debian's headless chromium against the local stack. An
 * operator starts an export with the page's form and watches it reach LOADED on the page, with the
 * figures the status API has; hostile text the API echoes stays text. Few patients: the page is
 * under test here, not the pipeline.
 */
class StatusPageBrowserTest {

    static final int PATIENTS = 5;
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path work;

    static LocalStack stack;

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anExportStartedFromThePageReachesLoadedOnThePageWithThePerTypeProgress() {
        // Checked in the test rather than before all: a skipped test is reported with this reason.
        Path chromium = HeadlessChromium.binary().orElse(null);
        assumeTrue(
                chromium != null,
                "no chromium on the PATH (Debian: apt-get install chromium; .ci/run installs it):"
                        + " the status page is not tested in a browser");
        stack = LocalStack.builder().workDirectory(work).seedPatients(PATIENTS).start();
        Instant started = Instant.now();
        HeadlessChromium browser = HeadlessChromium.open(chromium, stack.triggerUrl() + "/", Duration.ofSeconds(60));
        try (browser) {
            browser.await(
                    "a first refresh",
                    "document.getElementById('refreshed')?.textContent.startsWith('updated')"
                            + " && document.querySelector('#jobs-body tr') !== null",
                    Duration.ofSeconds(30));
            assertThat(text(browser, "#jobs-body tr"))
                    .as("the configured job")
                    .contains("local-demo")
                    .contains("off (run by hand)");
            // The counts come from GET /dead-letters, read from the broker after the rest of a refresh.
            String deadLetters = browser.await(
                            "the dead-letter counts",
                            "document.getElementById('dead-letters-state')?.textContent || null",
                            Duration.ofSeconds(30))
                    .asText();
            assertThat(deadLetters).as("dead letters of a fresh stack").isEqualTo("no dead letters");
            assertThat(browser.evaluate("document.querySelectorAll('#dead-letters-body tr').length")
                            .asInt())
                    .as("a row per subscription")
                    .isGreaterThan(5);

            // Hostile text comes back in the problem the API answers; the page shows it as text.
            submit(browser, "<img id=injected src=x>", "Patient");
            String problem = browser.await(
                            "the refused request's problem",
                            "document.querySelector('#start-result .problem')?.textContent ?? null",
                            Duration.ofSeconds(15))
                    .asText();
            assertThat(problem).contains("<img id=injected src=x>");
            assertThat(browser.evaluate("document.getElementById('injected') === null")
                            .asBoolean())
                    .isTrue();

            submit(browser, "local", "Patient");
            String exportId = browser.await(
                            "the started export's id",
                            "document.querySelector('#start-result [data-export-id]')?.dataset.exportId ?? null",
                            Duration.ofSeconds(15))
                    .asText();
            JsonNode run = Api.get(stack.triggerUrl() + "/exports/" + exportId).body();
            assertThat(run.path("request").path("types").toString()).isEqualTo("[\"Patient\"]");
            assertThat(run.path("request").path("origin").asText()).isEqualTo("api");

            String card = "[...document.querySelectorAll('article.export')].find(a => a.dataset.exportId === "
                    + js(exportId) + ")";
            browser.await(
                    "export " + exportId + " as LOADED",
                    "(" + card + ")?.querySelector('.status')" + ".textContent === 'LOADED'",
                    LOAD_TIMEOUT);

            // The page shows what the status API says, once the export is loaded.
            run = Api.get(stack.triggerUrl() + "/exports/" + exportId).body();
            assertThat(run.path("status").asText()).isEqualTo("LOADED");
            JsonNode patient = run.path("progress").path("types").path("Patient");
            assertThat(patient.path("rowsLoaded").asLong()).isEqualTo(PATIENTS);
            JsonNode row = browser.evaluate("(() => { const r = (" + card + ").querySelector('tr[data-type=Patient]');"
                    + " const bar = r.querySelector('progress');"
                    + " return {cells: [...r.cells].map(c => c.textContent), value: bar.value, max: bar.max}; })()");
            int chunks = patient.path("chunksExpected").asInt();
            assertThat(row.path("value").asInt()).isEqualTo(chunks);
            assertThat(row.path("max").asInt()).isEqualTo(chunks);
            assertThat(row.path("cells").get(2).asText()).isEqualTo(chunks + "/" + chunks);
            assertThat(row.path("cells").get(4).asText()).isEqualTo(String.valueOf(PATIENTS));
            assertThat(text(browser, "article.export[data-export-id='" + exportId + "'] .timings"))
                    .contains("loaded after")
                    .contains("transactionTime");
            assertThat(browser.evaluate("document.getElementById('unreachable').hidden")
                            .asBoolean())
                    .isTrue();
        }
        assertThat(browser.processes())
                .as("every process of the browser has ended")
                .noneMatch(ProcessHandle::isAlive);
        assertThat(Files.exists(browser.profile())).as("its profile is deleted").isFalse();
        System.out.printf(
                "status page browser test: %d s from opening the page%n",
                Duration.between(started, Instant.now()).toSeconds());
    }

    /** Fills the form as a person would (system level, the given server and types) and clicks its button. */
    private static void submit(HeadlessChromium browser, String server, String types) {
        browser.evaluate("(() => { const f = document.getElementById('export-form');"
                + " document.getElementById('start-result').replaceChildren();"
                + " f.elements.server.value = " + js(server) + "; f.elements.types.value = " + js(types) + ";"
                + " f.elements.level.value = 'system'; document.getElementById('start-export').click(); })()");
    }

    private static String text(HeadlessChromium browser, String selector) {
        return browser.evaluate("document.querySelector(" + js(selector) + ")?.textContent ?? null")
                .asText();
    }

    /** A JavaScript string literal (JSON's is one). */
    private static String js(String value) {
        try {
            return Api.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
