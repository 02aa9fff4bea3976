package io.fhirpipe.loadgenerator.load;

import io.fhirpipe.loadgenerator.server.ServerOptions;
import io.fhirpipe.loadgenerator.server.Sizes;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./fhirpipe load} runs. The defaults are a load test's, not the demo's: chunks of
 * 100,000 lines (the services' own default) and every service sized as in a small container.
 *
 * @param serverArgs options passed on to the synthetic server as they are (failure injection etc.)
 * @param serviceConfig {@code service:key=value}: a configuration property for one service (repeatable)
 * @param memory     {@code container}: the local stack's own sizing (LocalStack.CONTAINER_HEAP / CONTAINER_JVM and the
 *                   loader's DuckDB settings), changed only where --heap, --jvm-opts or --duckdb-* say; {@code unbounded}:
 *                   -Xmx384m, no other JVM option, DuckDB at 80% of RAM and all cores, for comparison
 */
record LoadOptions(
        Path root,
        Path work,
        String size,
        List<SyntheticType> types,
        long seed,
        String level,
        int maxLines,
        String memory,
        Optional<String> heap,
        List<String> jvmOptions,
        Optional<String> duckDbMemory,
        Optional<Integer> duckDbThreads,
        Duration interval,
        Duration timeout,
        Duration stall,
        Path plot,
        List<String> serverArgs,
        List<String> serviceConfig) {

    static final String USAGE = """
            usage: ./fhirpipe load [--size 1GB] [--types Patient,Observation,...] [--seed N] [--level system|patient|group]
                                   [--max-lines 100000] [--memory container|unbounded] [--heap 128m] [--jvm-opts "..."]
                                   [--duckdb-memory 96MB] [--duckdb-threads 1] [--interval 1] [--timeout 3600] [--stall 600]
                                   [--work DIR] [--plot FILE.png] [--root CHECKOUT whose service builds to run]
                                   [--config service:key=value]... (e.g. ndjson-splitter:quarkus.thread-pool.max-threads=4)
                                   synthetic server: [--per-file 100000] [--manifest-page 20] [--pending-polls 2]
                                   [--retry-after 1] [--kickoff-429 N] [--status-429-every N] [--file-503-every N]
                                   [--deleted N] [--errors N] [--fail-export true]""";

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
            } else if (List.of(
                            "--level",
                            "--max-lines",
                            "--memory",
                            "--heap",
                            "--jvm-opts",
                            "--duckdb-memory",
                            "--duckdb-threads",
                            "--interval",
                            "--timeout",
                            "--stall",
                            "--work",
                            "--plot",
                            "--root")
                    .contains(name)) {
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
        List<SyntheticType> types =
                v.containsKey("--types") ? ServerOptions.types(v.get("--types")) : List.of(SyntheticType.values());
        String memory = v.getOrDefault("--memory", "container");
        if (!memory.equals("container") && !memory.equals("unbounded")) {
            throw new IllegalArgumentException("--memory is container or unbounded, not " + memory);
        }
        boolean unbounded = memory.equals("unbounded");
        String level = v.getOrDefault("--level", "system");
        if (!List.of("system", "patient", "group").contains(level)) {
            throw new IllegalArgumentException("--level is system, patient or group, not " + level);
        }
        Path work = Path.of(
                        v.getOrDefault("--work", root.resolve(".fhirpipe-load").toString()))
                .toAbsolutePath();
        // given options apply in both memory profiles; empty: the profile's own
        List<String> jvm =
                v.containsKey("--jvm-opts") ? List.of(v.get("--jvm-opts").trim().split("\\s+")) : List.of();
        if (v.containsKey("--root")) {
            root = Path.of(v.get("--root")).toAbsolutePath();
        }
        return new LoadOptions(
                root,
                work,
                size,
                types,
                seed,
                level,
                Integer.parseInt(v.getOrDefault("--max-lines", "100000")),
                memory,
                Optional.ofNullable(v.get("--heap")).or(() -> unbounded ? Optional.of("384m") : Optional.empty()),
                jvm,
                Optional.ofNullable(v.get("--duckdb-memory"))
                        .or(() -> unbounded ? Optional.of("80%") : Optional.empty()),
                Optional.ofNullable(v.get("--duckdb-threads"))
                        .map(Integer::parseInt)
                        .or(() ->
                                unbounded ? Optional.of(Runtime.getRuntime().availableProcessors()) : Optional.empty()),
                Duration.ofMillis(Math.round(Double.parseDouble(v.getOrDefault("--interval", "1")) * 1000)),
                Duration.ofSeconds(Long.parseLong(v.getOrDefault("--timeout", "3600"))),
                Duration.ofSeconds(Long.parseLong(v.getOrDefault("--stall", "600"))),
                Path.of(v.getOrDefault(
                                "--plot",
                                work.resolve("load-" + size.toLowerCase() + ".png")
                                        .toString()))
                        .toAbsolutePath(),
                List.copyOf(serverArgs),
                List.copyOf(serviceConfig));
    }

    /** As the report's header says it. */
    String describeMemory() {
        List<String> jvm = jvmOptions.isEmpty() && memory.equals("container") ? LocalStack.CONTAINER_JVM : jvmOptions;
        return "memory " + memory + ": services "
                + heap.map(h -> "-Xmx" + h).orElse("heap " + LocalStack.CONTAINER_HEAP) + " "
                + String.join(" ", jvm) + ", DuckDB memory_limit " + duckDbMemory.orElse("as configured") + " threads "
                + duckDbThreads.map(String::valueOf).orElse("as configured");
    }

    List<String> typeNames() {
        return types.stream().map(SyntheticType::resourceType).toList();
    }
}
