package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.testsupport.stack.LocalStack;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services' container sizing as the deploy artefacts must carry it, from the one source the local
 * stack starts them with ({@link LocalStack#CONTAINER_HEAP}, {@link LocalStack#CONTAINER_JVM},
 * {@link LocalStack#CONTAINER_ENVIRONMENT}) and DuckDB's limit from the loader's application.properties
 * (README, Performance / Memory). The images carry the JVM options; the other artefacts set memory
 * limits only and must not replace the images' options.
 */
final class ContainerSizing {

    /** Issue #16's target: every service at most 300 MB resident; a limit below it would kill a service at its measured peak. */
    static final long TARGET_RSS = 300_000_000L;
    /** The most a service's container gets; more would go unused with the fixed heap. */
    static final long MAX_LIMIT = 384L << 20;
    /** The most the loader's container gets where DuckDB runs in it. */
    static final long MAX_LIMIT_WITH_DUCKDB = 512L << 20;
    /** Variables that would replace the image's JVM options or the heap's sizing. */
    static final List<String> JVM_VARIABLES = List.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private static final Pattern DUCKDB_SIZE = Pattern.compile("(\\d+)\\s*(MB|MiB|GB|GiB)");

    private ContainerSizing() {}

    /** The image's JAVA_OPTS for a service: its heap, then the options every service shares. */
    static String javaOpts(String service) {
        String heap = LocalStack.CONTAINER_HEAP.get(service);
        assertThat(heap).as("%s: LocalStack.CONTAINER_HEAP", service).isNotNull();
        return "-Xmx" + heap + " " + String.join(" ", LocalStack.CONTAINER_JVM);
    }

    static Map<String, String> environment() {
        return LocalStack.CONTAINER_ENVIRONMENT;
    }

    /** DuckDB's memory_limit, the default of the loader's fhirpipe.loader.duckdb.memory-limit, in bytes. */
    static long duckDbMemoryLimit() {
        String value = ServiceConfig.of("synapse-loader").get("fhirpipe.loader.duckdb.memory-limit");
        assertThat(value)
                .as("synapse-loader: fhirpipe.loader.duckdb.memory-limit")
                .isNotNull();
        Matcher m = DUCKDB_SIZE.matcher(value);
        assertThat(m.find()).as("DuckDB memory_limit %s", value).isTrue();
        long n = Long.parseLong(m.group(1));
        // DuckDB's units: MB and GB are powers of 1000, MiB and GiB of 1024.
        return switch (m.group(2)) {
            case "MB" -> n * 1_000_000L;
            case "MiB" -> n << 20;
            case "GB" -> n * 1_000_000_000L;
            default -> n << 30;
        };
    }

    /**
     * A container's memory limit fits the service: at least the target resident size (plus DuckDB's
     * memory_limit where DuckDB runs in the container, outside the JVM's accounting), at most
     * {@link #MAX_LIMIT} ({@link #MAX_LIMIT_WITH_DUCKDB}).
     */
    static void assertLimitFits(String where, long limit, boolean withDuckDb) {
        long floor = TARGET_RSS + (withDuckDb ? duckDbMemoryLimit() : 0);
        long ceiling = withDuckDb ? MAX_LIMIT_WITH_DUCKDB : MAX_LIMIT;
        assertThat(limit)
                .as("%s: memory limit %d bytes (README, Performance / Memory)", where, limit)
                .isBetween(floor, ceiling);
    }

    /**
     * What a deployment sets for a service leaves the image's sizing alone: no JVM options of its own,
     * the local stack's value for MALLOC_ARENA_MAX if set, DuckDB's defaults if set.
     */
    static void assertKeepsTheImagesSizing(String where, Map<String, String> variables) {
        for (String jvm : JVM_VARIABLES) {
            assertThat(variables)
                    .as("%s: %s would replace the image's JVM options", where, jvm)
                    .doesNotContainKey(jvm);
        }
        environment().forEach((name, value) -> {
            if (variables.containsKey(name)) {
                assertThat(variables.get(name)).as("%s: %s", where, name).isEqualTo(value);
            }
        });
        for (String duckDb : List.of("FHIRPIPE_DUCKDB_MEMORY_LIMIT", "FHIRPIPE_DUCKDB_THREADS")) {
            assertThat(variables)
                    .as("%s: %s (application.properties' default is the local stack's)", where, duckDb)
                    .doesNotContainKey(duckDb);
        }
    }
}
