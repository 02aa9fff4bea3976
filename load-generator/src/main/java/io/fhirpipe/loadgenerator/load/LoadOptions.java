package io.fhirpipe.loadgenerator.load;

import io.fhirpipe.loadgenerator.server.ServerOptions;
import io.fhirpipe.loadgenerator.server.Sizes;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./fhirpipe load} runs. The defaults are a load test's, not the demo's: chunks of
 * 100,000 lines (the services' own default) and every service sized as in a small container.
 *
 * @param serverArgs options passed on to the synthetic server as they are (failure injection etc.)
 * @param serviceConfig {@code service:key=value}: a configuration property for one service (repeatable)
 * @param memory     {@code container}: the JVM and DuckDB options below; {@code shipped}: the local stack's own
 */
record LoadOptions(Path root, Path work, String size, List<SyntheticType> types, long seed, String level,
        int maxLines, String memory, String heap, List<String> jvmOptions, String duckDbMemory, int duckDbThreads,
        Duration interval, Duration timeout, Duration stall, Path plot, List<String> serverArgs,
        List<String> serviceConfig) {

    static final String USAGE = """
            usage: ./fhirpipe load [--size 1GB] [--types Patient,Observation,...] [--seed N] [--level system|patient|group]
                                   [--max-lines 100000] [--memory container|shipped] [--heap 192m] [--jvm-opts "..."]
                                   [--duckdb-memory 192MB] [--duckdb-threads 1] [--interval 1] [--timeout 3600] [--stall 600]
                                   [--work DIR] [--plot FILE.png] [--root CHECKOUT whose service builds to run]
                                   [--config service:key=value]... (e.g. ndjson-splitter:quarkus.thread-pool.max-threads=4)
                                   synthetic server: [--per-file 100000] [--manifest-page 20] [--pending-polls 2]
                                   [--retry-after 1] [--kickoff-429 N] [--status-429-every N] [--file-503-every N]
                                   [--deleted N] [--errors N] [--fail-export true]""";

    /** Sized like a container with ~300 MB per service: small heap, capped non-heap, serial GC on 2 cores. */
    static final List<String> CONTAINER_JVM = List.of("-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=160m",
            "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=64m", "-Xss512k", "-XX:CICompilerCount=2");

    static LoadOptions parse(String[] args, Path root) {
        Map<String, String> v = new LinkedHashMap<>();
        List<String> serverArgs = new ArrayList<>();
        List<String> serviceConfig = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value at " + args[i]);
            }
            String name = args[i];
            String value = args[++i];
            if (name.equals("--config")) {
                if (!value.matches("[a-z-]+:[^=]+=.*")) {
                    throw new IllegalArgumentException("--config is service:key=value, not " + value);
                }
                serviceConfig.add(value);
            } else if (List.of("--seed", "--size", "--types").contains(name)) {
                v.put(name, value);
                serverArgs.add(name);
                serverArgs.add(value);
            } else if (ServerOptions.OPTIONS.contains(name) && !name.equals("--port") && !name.equals("--patients")) {
                serverArgs.add(name);
                serverArgs.add(value);
            } else if (List.of("--level", "--max-lines", "--memory", "--heap", "--jvm-opts", "--duckdb-memory",
                    "--duckdb-threads", "--interval", "--timeout", "--stall", "--work", "--plot", "--root").contains(name)) {
                v.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        String size = v.getOrDefault("--size", "1GB");
        Sizes.parse(size);
        if (!v.containsKey("--size")) {
            serverArgs.addAll(List.of("--size", size));
        }
        long seed = Long.parseLong(v.getOrDefault("--seed", "20261203"));
        if (!v.containsKey("--seed")) {
            serverArgs.addAll(List.of("--seed", Long.toString(seed)));
        }
        List<SyntheticType> types = v.containsKey("--types") ? ServerOptions.types(v.get("--types"))
                : List.of(SyntheticType.values());
        String memory = v.getOrDefault("--memory", "container");
        if (!memory.equals("container") && !memory.equals("shipped")) {
            throw new IllegalArgumentException("--memory is container or shipped, not " + memory);
        }
        String level = v.getOrDefault("--level", "system");
        if (!List.of("system", "patient", "group").contains(level)) {
            throw new IllegalArgumentException("--level is system, patient or group, not " + level);
        }
        Path work = Path.of(v.getOrDefault("--work", root.resolve(".fhirpipe-load").toString())).toAbsolutePath();
        // given options apply in both memory profiles; the container ones are the container profile's default
        List<String> jvm = v.containsKey("--jvm-opts") ? List.of(v.get("--jvm-opts").trim().split("\\s+"))
                : memory.equals("container") ? CONTAINER_JVM : List.of();
        if (v.containsKey("--root")) {
            root = Path.of(v.get("--root")).toAbsolutePath();
        }
        return new LoadOptions(root, work, size, types, seed, level,
                Integer.parseInt(v.getOrDefault("--max-lines", "100000")), memory, v.getOrDefault("--heap", "192m"),
                jvm, v.getOrDefault("--duckdb-memory", "192MB"), Integer.parseInt(v.getOrDefault("--duckdb-threads", "1")),
                Duration.ofMillis(Math.round(Double.parseDouble(v.getOrDefault("--interval", "1")) * 1000)),
                Duration.ofSeconds(Long.parseLong(v.getOrDefault("--timeout", "3600"))),
                Duration.ofSeconds(Long.parseLong(v.getOrDefault("--stall", "600"))),
                Path.of(v.getOrDefault("--plot", work.resolve("load-" + size.toLowerCase() + ".png").toString()))
                        .toAbsolutePath(),
                List.copyOf(serverArgs), List.copyOf(serviceConfig));
    }

    List<String> typeNames() {
        return types.stream().map(SyntheticType::resourceType).toList();
    }
}
