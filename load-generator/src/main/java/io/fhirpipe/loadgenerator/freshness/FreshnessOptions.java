package io.fhirpipe.loadgenerator.freshness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./fhirpipe freshness} runs.
 *
 * @param interval the job's schedule; a cron can only fire at fixed marks of the minute or hour, so
 *                 it must divide a minute (in seconds) or an hour (in minutes)
 * @param drain    after the writer stops, how long to wait for the writes not yet seen
 */
record FreshnessOptions(
        Path root,
        Path work,
        Duration minutes,
        Duration interval,
        int writesPerMinute,
        int patients,
        Duration drain,
        Duration targetP95) {

    static final String USAGE = """
            usage: ./fhirpipe freshness [--minutes 5] [--interval 30s] [--writes-per-minute 20] [--patients 20]
                                        [--drain 5m] [--work DIR] [--root CHECKOUT whose service builds to run]""";

    static final String JOB = "freshness";

    static FreshnessOptions parse(String[] args, Path root) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value at " + args[i]);
            }
            if (!List.of("--minutes", "--interval", "--writes-per-minute", "--patients", "--drain", "--work", "--root")
                    .contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            v.put(args[i], args[i + 1]);
        }
        if (v.containsKey("--root")) {
            root = Path.of(v.get("--root")).toAbsolutePath();
        }
        Path work = Path.of(v.getOrDefault(
                        "--work", root.resolve(".fhirpipe-freshness").toString()))
                .toAbsolutePath();
        Duration minutes = Duration.ofMillis(Math.round(Double.parseDouble(v.getOrDefault("--minutes", "5")) * 60_000));
        int writes = Integer.parseInt(v.getOrDefault("--writes-per-minute", "20"));
        int patients = Integer.parseInt(v.getOrDefault("--patients", "20"));
        if (minutes.isNegative() || minutes.isZero() || writes < 1 || writes > 600 || patients < 1) {
            throw new IllegalArgumentException("--minutes > 0, --writes-per-minute 1..600 and --patients >= 1");
        }
        FreshnessOptions options = new FreshnessOptions(
                root,
                work,
                minutes,
                duration(v.getOrDefault("--interval", "30s")),
                writes,
                patients,
                duration(v.getOrDefault("--drain", "5m")),
                Duration.ofSeconds(60));
        options.cron();
        return options;
    }

    /** The job's Quartz cron (seconds first, as the trigger's scheduler takes it) for {@link #interval}. */
    String cron() {
        long s = interval.toSeconds();
        if (interval.toMillis() % 1000 == 0 && s >= 1 && s < 60 && 60 % s == 0) {
            return "0/" + s + " * * * * ?";
        }
        long m = interval.toMinutes();
        if (s % 60 == 0 && m >= 1 && m < 60 && 60 % m == 0) {
            return "0 0/" + m + " * * * ?";
        }
        throw new IllegalArgumentException("--interval must divide a minute (e.g. 10s, 15s, 30s) or an hour "
                + "(e.g. 1m, 5m, 30m), not " + interval.toSeconds() + " s: a cron fires at fixed marks");
    }

    Duration writeEvery() {
        return Duration.ofMillis(60_000 / writesPerMinute);
    }

    /** {@code 30s}, {@code 2m}, or plain seconds. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (30s, 2m): " + text);
        }
    }
}
