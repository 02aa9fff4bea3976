package io.fhirpipe.loadgenerator.server;

import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.time.Duration;
import java.util.List;

/**
 * How the synthetic server behaves.
 *
 * @param resourcesPerFile   at most this many resources per output file (HAPI and Azure split files too)
 * @param manifestPageSize   files per manifest page; more make a {@code link} {@code next} page (0: one page)
 * @param pendingPolls       status polls answered {@code 202} before the export is complete
 * @param retryAfter         the {@code Retry-After} of those {@code 202}s and of every {@code 429}
 * @param kickoffThrottles   the first kick-offs answered {@code 429} (the trigger retries them)
 * @param statusThrottleEvery every n-th status poll answered {@code 429} (0: never)
 * @param fileFailureEvery   the first download of every n-th output file answered {@code 503} (0: never)
 * @param failExport         the export ends failed ({@code 500} with an OperationOutcome)
 * @param deletedPerType     resources listed as deleted per exported type, in {@code deleted[]} Bundles
 * @param errors             OperationOutcome lines in one {@code error[]} file (0: no error file)
 * @param faults             the fault suite's faults (server errors, slowness, dropped connections, an
 *                           export that never ends, malformed / oversized / truncated lines)
 */
public record ServerOptions(
        long seed,
        long targetBytes,
        long patients,
        List<SyntheticType> types,
        int port,
        int resourcesPerFile,
        int manifestPageSize,
        int pendingPolls,
        Duration retryAfter,
        int kickoffThrottles,
        int statusThrottleEvery,
        int fileFailureEvery,
        boolean failExport,
        int deletedPerType,
        int errors,
        Faults faults) {

    public ServerOptions {
        types = List.copyOf(types);
        java.util.Objects.requireNonNull(faults, "faults");
        if (resourcesPerFile < 1) {
            throw new IllegalArgumentException("resources per file must be at least 1");
        }
    }

    /** The options of the server process, {@code --name value} pairs; every one has a default. */
    public static ServerOptions parse(String[] args) {
        java.util.Map<String, String> v = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "unknown option or missing value: " + args[i] + "; options " + OPTIONS);
            }
            v.put(args[i], args[i + 1]);
        }
        boolean bySize = !v.containsKey("--patients");
        return new ServerOptions(
                Long.parseLong(v.getOrDefault("--seed", "20261203")),
                bySize ? Sizes.parse(v.getOrDefault("--size", "200MB")) : 0,
                bySize ? 0 : Long.parseLong(v.get("--patients")),
                v.containsKey("--types") ? types(v.get("--types")) : List.of(SyntheticType.values()),
                Integer.parseInt(v.getOrDefault("--port", "0")),
                Integer.parseInt(v.getOrDefault("--per-file", "100000")),
                Integer.parseInt(v.getOrDefault("--manifest-page", "20")),
                Integer.parseInt(v.getOrDefault("--pending-polls", "2")),
                Duration.ofSeconds(Long.parseLong(v.getOrDefault("--retry-after", "1"))),
                Integer.parseInt(v.getOrDefault("--kickoff-429", "0")),
                Integer.parseInt(v.getOrDefault("--status-429-every", "0")),
                Integer.parseInt(v.getOrDefault("--file-503-every", "0")),
                Boolean.parseBoolean(v.getOrDefault("--fail-export", "false")),
                Integer.parseInt(v.getOrDefault("--deleted", "0")),
                Integer.parseInt(v.getOrDefault("--errors", "0")),
                new Faults(
                        Integer.parseInt(v.getOrDefault("--kickoff-500", "0")),
                        Integer.parseInt(v.getOrDefault("--status-500-every", "0")),
                        Integer.parseInt(v.getOrDefault("--file-500-every", "0")),
                        Long.parseLong(v.getOrDefault("--delay-ms", "0")),
                        Sizes.parse(v.getOrDefault("--bytes-per-second", "0")),
                        Integer.parseInt(v.getOrDefault("--drop-every", "0")),
                        Boolean.parseBoolean(v.getOrDefault("--never-finish", "false")),
                        Integer.parseInt(v.getOrDefault("--malformed-every", "0")),
                        Integer.parseInt(v.getOrDefault("--oversized-every", "0")),
                        v.containsKey("--oversized-bytes")
                                ? Sizes.parse(v.get("--oversized-bytes"))
                                : Faults.DEFAULT_OVERSIZED_BYTES,
                        Integer.parseInt(v.getOrDefault("--truncated-every", "0"))));
    }

    public static final List<String> OPTIONS = List.of(
            "--seed",
            "--size",
            "--patients",
            "--types",
            "--port",
            "--per-file",
            "--manifest-page",
            "--pending-polls",
            "--retry-after",
            "--kickoff-429",
            "--status-429-every",
            "--file-503-every",
            "--fail-export",
            "--deleted",
            "--errors",
            "--kickoff-500",
            "--status-500-every",
            "--file-500-every",
            "--delay-ms",
            "--bytes-per-second",
            "--drop-every",
            "--never-finish",
            "--malformed-every",
            "--oversized-every",
            "--oversized-bytes",
            "--truncated-every");

    /** {@code Patient,Observation}: resource types the server generates; anything else is refused. */
    public static List<SyntheticType> types(String list) {
        return java.util.Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> SyntheticType.of(s)
                        .orElseThrow(() ->
                                new IllegalArgumentException("the synthetic server does not generate " + s + "; one of "
                                        + java.util.Arrays.stream(SyntheticType.values())
                                                .map(SyntheticType::resourceType)
                                                .toList())))
                .distinct()
                .toList();
    }
}
