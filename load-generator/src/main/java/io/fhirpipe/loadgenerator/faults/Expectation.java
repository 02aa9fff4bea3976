package io.fhirpipe.loadgenerator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.loadgenerator.load.JsonHttp;
import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the warehouse must hold after one scenario's export, per type the exact {@code id|versionId}
 * pairs, and how many lines the pipeline must have rejected with a reason.
 *
 * @param idPrefix per type, the first 8 characters of every id of this scenario's population: a
 *                 seed's ids share them, so the scenario's rows can be told apart in a shared warehouse
 */
record Expectation(Map<String, Set<String>> resources, Map<String, String> idPrefix, long rejectedLines) {

    long resourceCount() {
        return resources.values().stream().mapToLong(Set::size).sum();
    }

    /**
     * The synthetic server's population, as its {@code GET /plan} describes it (resource {@code i} is a
     * pure function of seed, type and {@code i}): every resource generated, none rejected. In memory:
     * fine for the fault suite's exports of a few MB.
     */
    static Expectation ofPlan(JsonNode plan, long seed, List<SyntheticType> types) {
        Population population =
                Population.ofPatients(seed, plan.path("patients").asLong());
        Map<String, Set<String>> resources = new LinkedHashMap<>();
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (SyntheticType type : types) {
            long count = population.count(type);
            if (count != plan.path("types").path(type.resourceType()).asLong()) {
                throw new IllegalStateException(
                        "the server's plan and the population differ for " + type.resourceType() + ": " + plan);
            }
            Set<String> pairs = new TreeSet<>();
            for (long i = 0; i < count; i++) {
                JsonNode resource = read(population.line(type, i));
                pairs.add(resource.path("id").asText() + "|"
                        + resource.path("meta").path("versionId").asText());
            }
            resources.put(type.resourceType(), pairs);
            prefixes.put(type.resourceType(), population.id(type, 0).substring(0, 8));
        }
        return new Expectation(resources, prefixes, 0);
    }

    /** Nothing: an export that fails loads nothing of its population. */
    Expectation none() {
        Map<String, Set<String>> empty = new LinkedHashMap<>();
        resources.keySet().forEach(t -> empty.put(t, Set.of()));
        return new Expectation(empty, idPrefix, 0);
    }

    private static JsonNode read(String line) {
        try {
            return JsonHttp.JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a generated line is not JSON: " + line, e);
        }
    }
}
