package io.fhirpipe.exporttrigger.fhir;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The configured FHIR servers, by name. */
public final class FhirServers {

    private final Map<String, FhirServer> byName;

    public FhirServers(Map<String, FhirServer> byName) {
        this.byName = Map.copyOf(byName);
    }

    public Optional<FhirServer> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Set<String> names() {
        return new TreeMap<>(byName).keySet();
    }
}
