package io.fhirpipe.synapseloader.tsql;

import java.util.Arrays;

/** The T-SQL warehouse dialects, by their configuration names. */
public enum WarehouseKind {
    SYNAPSE_DEDICATED("synapse-dedicated"),
    SYNAPSE_SERVERLESS("synapse-serverless"),
    FABRIC_WAREHOUSE("fabric-warehouse");

    private final String configName;

    WarehouseKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static WarehouseKind fromConfig(String name) {
        return Arrays.stream(values())
                .filter(k -> k.configName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown T-SQL dialect '" + name
                        + "', expected one of synapse-dedicated, synapse-serverless, fabric-warehouse"));
    }
}
