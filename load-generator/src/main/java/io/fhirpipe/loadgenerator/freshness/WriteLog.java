package io.fhirpipe.loadgenerator.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writes made so far and when each was first seen in its typed view. The writer adds, the reader
 * observes, from their own threads.
 *
 * <p>A write counts as seen once its resource's row carries its {@code lastUpdated} or a later one:
 * an incremental export brings only the newest version of a resource, so a version overwritten
 * before the next export reaches the warehouse as its successor (and is then queryable as that).
 */
final class WriteLog {

    record Seen(Write write, Instant seenAt) {
        double seconds() {
            return Duration.between(write.writtenAt(), seenAt).toMillis() / 1000.0;
        }
    }

    private final List<Write> writes = new ArrayList<>();
    private final Map<Write, Instant> seen = new LinkedHashMap<>();

    synchronized void add(Write write) {
        writes.add(write);
    }

    /** The ids still waiting to be seen, by resource type, in write order. */
    synchronized Map<String, Set<String>> pending() {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        for (Write w : writes) {
            if (!seen.containsKey(w)) {
                ids.computeIfAbsent(w.resourceType(), t -> new LinkedHashSet<>())
                        .add(w.id());
            }
        }
        return ids;
    }

    /**
     * The typed view holds {@code id}'s row with {@code rowLastUpdated} at {@code at}.
     *
     * @return how many writes this saw for the first time
     */
    synchronized int observe(String resourceType, String id, Instant rowLastUpdated, Instant at) {
        int now = 0;
        for (Write w : writes) {
            if (w.resourceType().equals(resourceType)
                    && w.id().equals(id)
                    && !seen.containsKey(w)
                    && !rowLastUpdated.isBefore(w.lastUpdated())) {
                seen.put(w, at);
                now++;
            }
        }
        return now;
    }

    synchronized int size() {
        return writes.size();
    }

    synchronized List<Seen> seen() {
        return writes.stream()
                .filter(seen::containsKey)
                .map(w -> new Seen(w, seen.get(w)))
                .toList();
    }

    synchronized List<Write> unseen() {
        return writes.stream().filter(w -> !seen.containsKey(w)).toList();
    }

    Percentiles latencies() {
        return Percentiles.of(seen().stream().map(Seen::seconds).toList());
    }
}
