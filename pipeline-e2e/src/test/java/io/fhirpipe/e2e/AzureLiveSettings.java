package io.fhirpipe.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@link AzurePipelineLiveTest} needs to reach a deployment made by deploy/README.md. Read from
 * the environment through a lookup so the rules (what is required, the defaults) are tested without one.
 *
 * @param triggerUrl  FHIRPIPE_AZURE_TRIGGER_URL: the deployed export-trigger's base URL
 * @param adminScope  FHIRPIPE_AZURE_ADMIN_SCOPE: the admin API's Entra scope, {@code api://<admin-client-id>/.default}
 * @param fhirServer  FHIRPIPE_AZURE_FHIR_SERVER: the server name the deployment configures (default {@code local},
 *                    the name the Bicep and the AKS settings give it)
 * @param fhirUrl     FHIRPIPE_AZURE_FHIR_URL: that server's base URL, to count resources at the source
 * @param fhirScope   FHIRPIPE_AZURE_FHIR_SCOPE: its Entra scope (default {@code <fhirUrl>/.default}, as for AHDS)
 * @param jdbcUrl     FHIRPIPE_SYNAPSE_JDBC_URL: the warehouse the loader writes to, without credentials (Entra)
 * @param rawSchema   FHIRPIPE_SYNAPSE_RAW_SCHEMA: the loader's raw schema (default {@code raw})
 * @param types       FHIRPIPE_AZURE_EXPORT_TYPES: comma-separated types to export; empty = every type the
 *                    export reports (a system export of the whole server)
 * @param timeout     FHIRPIPE_AZURE_EXPORT_TIMEOUT: how long to wait for LOADED, ISO-8601 (default PT30M)
 */
record AzureLiveSettings(
        String triggerUrl,
        String adminScope,
        String fhirServer,
        String fhirUrl,
        String fhirScope,
        String jdbcUrl,
        String rawSchema,
        List<String> types,
        Duration timeout) {

    static final List<String> REQUIRED = List.of(
            "FHIRPIPE_AZURE_TRIGGER_URL",
            "FHIRPIPE_AZURE_ADMIN_SCOPE",
            "FHIRPIPE_AZURE_FHIR_URL",
            "FHIRPIPE_SYNAPSE_JDBC_URL");
    private static final java.util.regex.Pattern CREDENTIALS = java.util.regex.Pattern.compile(
            "(?i);\\s*(user|userName|password|pwd|accessToken|aadSecurePrincipalSecret)\\s*=");

    /** The required variables the lookup does not have (blank counts as unset, as in the other live tests). */
    static List<String> missing(Function<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) {
            if (value(env, name) == null) {
                missing.add(name);
            }
        }
        return missing;
    }

    static AzureLiveSettings from(Function<String, String> env) {
        List<String> missing = missing(env);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not set: " + String.join(", ", missing));
        }
        if (CREDENTIALS.matcher(value(env, "FHIRPIPE_SYNAPSE_JDBC_URL")).find()) {
            // the test authenticates with Entra; a password in the URL could end up in a driver's message
            throw new IllegalStateException("FHIRPIPE_SYNAPSE_JDBC_URL must not carry credentials (user, password,"
                    + " accessToken): the test connects with an Entra token");
        }
        String fhirUrl = stripSlash(value(env, "FHIRPIPE_AZURE_FHIR_URL"));
        String types = value(env, "FHIRPIPE_AZURE_EXPORT_TYPES");
        String timeout = value(env, "FHIRPIPE_AZURE_EXPORT_TIMEOUT");
        return new AzureLiveSettings(
                stripSlash(value(env, "FHIRPIPE_AZURE_TRIGGER_URL")),
                value(env, "FHIRPIPE_AZURE_ADMIN_SCOPE"),
                orElse(value(env, "FHIRPIPE_AZURE_FHIR_SERVER"), "local"),
                fhirUrl,
                orElse(value(env, "FHIRPIPE_AZURE_FHIR_SCOPE"), fhirUrl + "/.default"),
                value(env, "FHIRPIPE_SYNAPSE_JDBC_URL"),
                orElse(value(env, "FHIRPIPE_SYNAPSE_RAW_SCHEMA"), "raw"),
                types == null
                        ? List.of()
                        : Arrays.stream(types.split(","))
                                .map(String::strip)
                                .filter(t -> !t.isEmpty())
                                .toList(),
                timeout == null ? Duration.ofMinutes(30) : Duration.parse(timeout.toUpperCase(Locale.ROOT)));
    }

    private static String value(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
