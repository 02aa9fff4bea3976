package io.fhirpipe.exportpoller.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.ServerFlavor;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import io.fhirpipe.model.events.DeletedResource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pages shaped as HAPI FHIR 8.8 answers {@code GET [base]/_history?_since=…} (entries copied from the
 * dev-fhir-server): newest first, DELETE entries with no time of their own, a {@code next} link.
 */
class HistoryDeletionsTest {

    static final String BASE = "http://127.0.0.1:42351/fhir";
    static final FhirServer SERVER = new FhirServer(
            "local",
            URI.create(BASE),
            ServerFlavor.STANDARD,
            false,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            null,
            DeleteDetection.HISTORY);
    static final Instant SINCE = Instant.parse("2026-12-03T08:16:00Z");
    static final Instant NOW = Instant.parse("2026-12-03T08:20:00Z");

    static String deleted(String type, String id, int version) {
        return "{\"fullUrl\":\"" + BASE + "/" + type + "/" + id + "\",\"request\":{\"method\":\"DELETE\",\"url\":\""
                + type + "/" + id + "/_history/" + version + "\"},\"response\":{\"status\":\"200 OK\","
                + "\"etag\":\"W/\\\"" + version + "\\\"\"}}";
    }

    static String written(String method, String type, String id, String lastUpdated) {
        return "{\"fullUrl\":\"" + BASE + "/" + type + "/" + id + "\",\"resource\":{\"resourceType\":\"" + type
                + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"" + lastUpdated
                + "\"}},\"request\":{\"method\":\"" + method + "\",\"url\":\"" + type + "/" + id
                + "/_history/1\"},\"response\":{\"status\":\"201 Created\"}}";
    }

    static String bundle(String next, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"link\":[{\"relation\":\"self\",\"url\":\"" + BASE
                + "/_history\"}" + (next == null ? "" : ",{\"relation\":\"next\",\"url\":\"" + next + "\"}")
                + "],\"entry\":[" + String.join(",", entries) + "]}";
    }

    /** Serves the pages in order and records the URLs asked for. */
    static final class Served implements HistoryDeletions.Pages {
        final List<HistoryDeletions.Page> pages;
        final List<String> asked = new ArrayList<>();

        Served(HistoryDeletions.Page... pages) {
            this.pages = new ArrayList<>(List.of(pages));
        }

        @Override
        public HistoryDeletions.Page get(String url) {
            asked.add(url);
            return pages.remove(0);
        }
    }

    static HistoryDeletions.Page ok(String body) {
        return new HistoryDeletions.Page(200, Optional.empty(), body);
    }

    @Test
    void deleteEntriesAcrossPagesGetTheTimeOfTheNextOlderEntryAndBinaryIsLeftOut() throws Exception {
        String next = BASE + "/_history?_count=500&_offset=500&_since=2026-12-03T08%3A16%3A00Z";
        Served served = new Served(
                ok(bundle(
                        next,
                        written("POST", "Observation", "3155", "2026-12-03T08:17:30.000+00:00"),
                        deleted("Condition", "cond-00004-0", 2),
                        deleted("Observation", "obs-00001-0", 2))),
                ok(bundle(
                        null,
                        deleted("Binary", "KXsGSQ", 2),
                        written("PUT", "Patient", "pt-00001", "2026-12-03T08:17:10.000+00:00"),
                        deleted("Observation", "3154", 2),
                        written("POST", "Observation", "3154", "2026-12-03T08:16:50.000+00:00"))));

        HistoryDeletions.Found found = HistoryDeletions.read(SERVER, SINCE, NOW, Set.of(), served, NOW);

        assertThat(served.asked).containsExactly(BASE + "/_history?_since=2026-12-03T08%3A16%3A00Z&_count=500", next);
        assertThat(found.byType())
                .isEqualTo(Map.of(
                        "Condition",
                                List.of(new DeletedResource("cond-00004-0", Instant.parse("2026-12-03T08:17:10Z"))),
                        "Observation",
                                List.of(
                                        new DeletedResource("obs-00001-0", Instant.parse("2026-12-03T08:17:10Z")),
                                        new DeletedResource("3154", Instant.parse("2026-12-03T08:16:50Z")))));
        assertThat(found.deletions()).isEqualTo(3);
        assertThat(found.entries()).isEqualTo(7);
        assertThat(found.pages()).isEqualTo(2);
    }

    @Test
    void theLatestDeleteOfAResourceCountsAndTheOldestUntimedOneFallsBackToSince() throws Exception {
        Served served = new Served(ok(bundle(
                null,
                deleted("Patient", "p1", 3),
                written("PUT", "Patient", "p1", "2026-12-03T08:18:00.000+00:00"),
                deleted("Patient", "p1", 1),
                deleted("Patient", "p2", 4))));

        HistoryDeletions.Found found = HistoryDeletions.read(SERVER, SINCE, NOW, Set.of("Patient"), served, NOW);

        assertThat(found.byType().get("Patient"))
                .containsExactly(
                        new DeletedResource("p1", Instant.parse("2026-12-03T08:18:00Z")),
                        new DeletedResource("p2", SINCE));
    }

    @Test
    void onlyTheExportsTypesAndNothingAfterItsTransactionTime() throws Exception {
        Served served = new Served(ok(bundle(
                null,
                written("PUT", "Patient", "late", "2026-12-03T08:19:00.000+00:00"),
                deleted("Observation", "after", 2),
                written("PUT", "Patient", "x", "2026-12-03T08:18:30.000+00:00"),
                deleted("Observation", "before", 2),
                deleted("Condition", "other-type", 2),
                written("PUT", "Patient", "y", "2026-12-03T08:16:30.000+00:00"))));

        HistoryDeletions.Found found = HistoryDeletions.read(
                SERVER, SINCE, Instant.parse("2026-12-03T08:18:00Z"), Set.of("Observation"), served, NOW);

        assertThat(found.byType()).containsOnlyKeys("Observation");
        assertThat(found.byType().get("Observation"))
                .containsExactly(new DeletedResource("before", Instant.parse("2026-12-03T08:16:30Z")));
    }

    @Test
    void throttlingIsForLaterAndAnythingButAHistoryBundleOrALinkOffTheServerIsRefused() {
        assertThatThrownBy(() -> HistoryDeletions.read(
                        SERVER,
                        SINCE,
                        NOW,
                        Set.of(),
                        new Served(new HistoryDeletions.Page(429, Optional.of("7"), "")),
                        NOW))
                .isInstanceOfSatisfying(
                        HistoryDeletions.NotNow.class,
                        e -> assertThat(e.retryAfter).contains(Duration.ofSeconds(7)));
        assertThatThrownBy(() -> HistoryDeletions.read(
                        SERVER,
                        SINCE,
                        NOW,
                        Set.of(),
                        new Served(new HistoryDeletions.Page(404, Optional.empty(), "{}")),
                        NOW))
                .isInstanceOf(HistoryDeletions.Unreadable.class)
                .hasMessageContaining("answered 404");
        assertThatThrownBy(() -> HistoryDeletions.read(
                        SERVER, SINCE, NOW, Set.of(), new Served(ok("{\"resourceType\":\"OperationOutcome\"}")), NOW))
                .isInstanceOf(HistoryDeletions.Unreadable.class)
                .hasMessageContaining("not a Bundle");
        assertThatThrownBy(() -> HistoryDeletions.read(
                        SERVER,
                        SINCE,
                        NOW,
                        Set.of(),
                        new Served(ok(bundle("http://evil.example/fhir/_history?page=2", deleted("Patient", "p", 2)))),
                        NOW))
                .isInstanceOf(HistoryDeletions.Unreadable.class)
                .hasMessageContaining("is not on server local");
    }
}
