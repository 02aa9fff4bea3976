package io.fhirpipe.exportpoller.poll;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.ForeignUrlException;
import io.fhirpipe.model.events.DeletedResource;
import io.fhirpipe.model.fhir.FhirInstants;
import io.fhirpipe.model.fhir.FhirReferences;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.logging.LogValues;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * The resources a server deleted since an export's {@code _since}, read from the DELETE entries of
 * its system {@code _history} (for servers whose manifests list no {@code deleted[]} files, such as
 * HAPI FHIR). A resource deleted, re-created and deleted again counts once, at its latest delete; one
 * deleted and re-created keeps its tombstone at the delete, which the newer version outlives.
 *
 * <p>When was it deleted? HAPI's DELETE entries carry no time. The history is ordered newest first,
 * so the next older entry that has a time ({@code response.lastModified} or the resource's
 * {@code meta.lastUpdated}) is a lower bound: every version of the resource before the delete is at
 * or before it (those are hidden by the tombstone), and a re-creation after the delete is strictly
 * later (it wins). With no older entry, the export's {@code _since} is that bound.
 */
final class HistoryDeletions {

    static final int PAGE_SIZE = 500;
    static final int MAX_PAGES = 20_000;

    /** One GET with the server's authentication: the server's BulkDataClient. */
    interface Pages {
        Page get(String url) throws IOException;
    }

    record Page(int status, Optional<String> retryAfter, String body) {

        static Page of(HttpResponse<String> response) {
            return new Page(response.statusCode(), response.headers().firstValue("Retry-After"), response.body());
        }
    }

    /** What the history held, per resource type (sorted), ids in the order first seen. */
    record Found(String query, Map<String, List<DeletedResource>> byType, int pages, long entries) {

        long deletions() {
            return byType.values().stream().mapToLong(List::size).sum();
        }
    }

    /** The server could not answer now (429, 5xx, no connection): poll again later. */
    static final class NotNow extends Exception {
        final Optional<Duration> retryAfter;

        NotNow(String message, Optional<Duration> retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    /** The server answered something that is not a history Bundle: the deletes cannot be learned. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private HistoryDeletions() {}

    static String firstPage(FhirServer server, Instant since) {
        String base = server.baseUrl().toString().replaceAll("/+$", "");
        return base + "/_history?_since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8) + "&_count="
                + PAGE_SIZE;
    }

    /**
     * @param since the export's {@code _since}
     * @param until the export's transactionTime: later deletes belong to the next export, and leaving
     *        them out makes a second read (a redelivered poll) find the same deletes as the first
     * @param types the export's types; empty means every type but {@code Binary} (servers keep their
     *        own export files as Binary resources, and deleting those is housekeeping, not data)
     */
    static Found read(FhirServer server, Instant since, Instant until, Set<String> types, Pages pages, Instant now)
            throws NotNow, Unreadable {
        String query = firstPage(server, since);
        // first occurrence wins: the history is newest first, so that is the latest delete
        Map<String, Map<String, Instant[]>> found = new TreeMap<>();
        List<Instant[]> untimed = new ArrayList<>();
        String next = query;
        int pageCount = 0;
        long entries = 0;
        while (next != null) {
            if (++pageCount > MAX_PAGES) {
                throw new Unreadable("_history since " + since + " has more than " + MAX_PAGES + " pages");
            }
            JsonNode bundle = page(next, pages, now);
            for (JsonNode entry : bundle.path("entry")) {
                entries++;
                Instant at = FhirInstants.first(
                        entry.path("response").path("lastModified"),
                        entry.path("resource").path("meta").path("lastUpdated"));
                if (at != null) {
                    untimed.forEach(holder -> holder[0] = at);
                    untimed.clear();
                }
                if (!"DELETE"
                        .equals(entry.path("request").path("method").asText("").toUpperCase(Locale.ROOT))) {
                    continue;
                }
                Matcher m = FhirReferences.TYPE_AND_ID.matcher(
                        entry.path("request").path("url").asText(""));
                if (!m.matches()) {
                    m = FhirReferences.TYPE_AND_ID.matcher(entry.path("fullUrl").asText(""));
                    if (!m.matches()) {
                        throw new Unreadable("a DELETE entry of _history names no Type/id: "
                                + LogValues.quoted(
                                        entry.path("request").path("url").asText("")));
                    }
                }
                String type = m.group(1);
                if (types.isEmpty() ? "Binary".equals(type) : !types.contains(type)) {
                    continue;
                }
                Map<String, Instant[]> ofType = found.computeIfAbsent(type, t -> new LinkedHashMap<>());
                if (!ofType.containsKey(m.group(2))) {
                    Instant[] holder = {at};
                    ofType.put(m.group(2), holder);
                    if (at == null) {
                        untimed.add(holder);
                    }
                }
            }
            next = nextLink(bundle);
            if (next != null) {
                try {
                    next = server.checked(next).toString();
                } catch (ForeignUrlException e) {
                    throw new Unreadable("_history link[next] is not on server " + server.name()
                            + "; refused, nothing was sent to it: " + e.getMessage());
                }
            }
        }
        untimed.forEach(holder -> holder[0] = since);
        Map<String, List<DeletedResource>> byType = new TreeMap<>();
        found.forEach((type, ids) -> {
            List<DeletedResource> kept = new ArrayList<>();
            ids.forEach((id, holder) -> {
                if (until == null || !holder[0].isAfter(until)) {
                    kept.add(new DeletedResource(id, holder[0]));
                }
            });
            if (!kept.isEmpty()) {
                byType.put(type, kept);
            }
        });
        return new Found(query, byType, pageCount, entries);
    }

    private static JsonNode page(String url, Pages pages, Instant now) throws NotNow, Unreadable {
        Page response;
        try {
            response = pages.get(url);
        } catch (IOException e) {
            throw new NotNow(
                    "cannot read " + LogValues.quoted(url) + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + LogValues.escaped(e.getMessage())),
                    Optional.empty());
        }
        int status = response.status();
        if (status == 429 || status >= 500) {
            throw new NotNow(
                    "_history answered " + status,
                    FailureClassifier.parseRetryAfter(response.retryAfter().orElse(null), now));
        }
        if (status != 200) {
            throw new Unreadable("GET " + LogValues.quoted(url) + " answered " + status);
        }
        JsonNode bundle;
        try {
            bundle = Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new Unreadable("_history answered with something that is not JSON");
        }
        if (bundle == null || !"Bundle".equals(bundle.path("resourceType").asText())) {
            throw new Unreadable("_history answered with something that is not a Bundle");
        }
        return bundle;
    }

    private static String nextLink(JsonNode bundle) {
        for (JsonNode link : bundle.path("link")) {
            if ("next".equals(link.path("relation").asText())) {
                String url = link.path("url").asText("");
                return url.isBlank() ? null : url;
            }
        }
        return null;
    }
}
