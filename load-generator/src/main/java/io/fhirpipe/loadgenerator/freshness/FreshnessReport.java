package io.fhirpipe.loadgenerator.freshness;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The freshness table: write-to-row latencies with the verdict, and the job's exports. */
final class FreshnessReport {

    private FreshnessReport() {}

    /** Empty when the run met its promise: every write seen, p95 within the target. */
    static List<String> failures(FreshnessOptions o, WriteLog log) {
        List<String> failures = new java.util.ArrayList<>();
        List<Write> unseen = log.unseen();
        if (!unseen.isEmpty()) {
            failures.add(unseen.size() + " write(s) never seen within "
                    + o.drain().toSeconds()
                    + " s after the writer stopped: "
                    + String.join(
                            ", ",
                            unseen.stream().limit(10).map(Write::reference).toList())
                    + (unseen.size() > 10 ? ", ..." : ""));
        }
        Percentiles p = log.latencies();
        if (p.count() > 0 && p.p95() > o.targetP95().toSeconds()) {
            failures.add(String.format(
                    "p95 %.1f s is above the target of %d s",
                    p.p95(), o.targetP95().toSeconds()));
        }
        return failures;
    }

    /**
     * @param later   the job's exports after the first one
     * @param machine what else the machine was doing, e.g. its load average: the figures depend on it
     */
    static String table(FreshnessOptions o, WriteLog log, ExportRun first, List<ExportRun> later, String machine) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%n== freshness: job on cron \"%s\" (every %d s), %d writes/min for %.1f min, "
                        + "%d seeded patients; %s%n",
                o.cron(),
                o.interval().toSeconds(),
                o.writesPerMinute(),
                o.minutes().toMillis() / 60000.0,
                o.patients(),
                machine));
        Percentiles all = log.latencies();
        out.append(String.format("%-22s %7s %7s %9s %9s %9s%n", "write", "writes", "seen", "p50 s", "p95 s", "max s"));
        Map<String, List<WriteLog.Seen>> byKind = new TreeMap<>();
        Map<String, Integer> writesByKind = new TreeMap<>();
        for (WriteLog.Seen s : log.seen()) {
            byKind.computeIfAbsent(s.write().kind(), k -> new java.util.ArrayList<>())
                    .add(s);
        }
        for (Write w : log.unseen()) {
            writesByKind.merge(w.kind(), 1, Integer::sum);
        }
        byKind.forEach((k, v) -> writesByKind.merge(k, v.size(), Integer::sum));
        for (Map.Entry<String, Integer> kind : writesByKind.entrySet()) {
            row(
                    out,
                    kind.getKey(),
                    kind.getValue(),
                    Percentiles.of(byKind.getOrDefault(kind.getKey(), List.of()).stream()
                            .map(WriteLog.Seen::seconds)
                            .toList()));
        }
        row(out, "all", log.size(), all);
        out.append(String.format("seconds from the server's answer to the write until the reader (polling every "
                + "second) found that version or a newer one in the typed view%n"));

        out.append(String.format(
                "%nfirst (full) export %s: %s in %s s, %,d rows%n",
                first.exportId(), first.status(), seconds(first.seconds()), first.rowsLoaded()));
        Map<String, Integer> byStatus = new TreeMap<>();
        later.forEach(e -> byStatus.merge(e.status(), 1, Integer::sum));
        Percentiles durations = Percentiles.of(later.stream()
                .filter(e -> !e.full())
                .map(ExportRun::seconds)
                .filter(d -> !d.isNaN())
                .toList());
        long full = later.stream().filter(ExportRun::full).count();
        out.append(String.format(
                "later exports: %d %s, %d of them full (started before the first one loaded, so "
                        + "without _since); the incremental ones request -> LOADED p50 %s s, p95 %s s, max %s s; "
                        + "%,d rows loaded by all%n",
                later.size(),
                byStatus,
                full,
                seconds(durations.p50()),
                seconds(durations.p95()),
                seconds(durations.max()),
                later.stream().mapToLong(ExportRun::rowsLoaded).sum()));

        List<String> failures = failures(o, log);
        if (all.count() > 0) {
            out.append(String.format(
                    "%ntarget p95 <= %d s: %s (p95 %.1f s)%n",
                    o.targetP95().toSeconds(), all.p95() <= o.targetP95().toSeconds() ? "MET" : "NOT MET", all.p95()));
        }
        out.append(
                failures.isEmpty()
                        ? "every write was seen in its typed view\n"
                        : "FAILED:\n  " + String.join("\n  ", failures) + "\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String name, int writes, Percentiles p) {
        out.append(String.format(
                "%-22s %7d %7d %9s %9s %9s%n",
                name, writes, p.count(), seconds(p.p50()), seconds(p.p95()), seconds(p.max())));
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format("%.1f", s);
    }
}
