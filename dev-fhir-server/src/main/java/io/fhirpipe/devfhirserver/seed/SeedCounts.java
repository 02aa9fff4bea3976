package io.fhirpipe.devfhirserver.seed;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Number of resources per type, in type order so that printed lines are stable. */
public record SeedCounts(Map<String, Integer> byType) {

    public SeedCounts {
        byType = Collections.unmodifiableMap(new TreeMap<>(byType));
    }

    public int of(String resourceType) {
        return byType.getOrDefault(resourceType, 0);
    }

    public int total() {
        return byType.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One line, e.g. {@code Condition=25 Encounter=40 ... total=300}. */
    public String describe() {
        return byType.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")) + " total=" + total();
    }
}
