package io.fhirpipe.loadgenerator.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The load test's table: per stage and end to end resources/s and MB/s, manifest to loaded, peak RSS
 * of every process, the deepest each queue got, and whether the warehouse holds exactly what was generated.
 *
 * <p>Stage windows: the transfer from the server's first byte to its last file (the server's clock,
 * exact); the split and the load from the last sample before their counter moved to the first sample
 * where it reached the total (so within one sampling interval).
 */
final class LoadReport {

    private LoadReport() {}

    /** Rows per exported type in the warehouse that differ from what was generated; empty when exactly once. */
    static List<String> mismatches(LoadResult r) {
        List<String> problems = new ArrayList<>();
        if (r.failure() != null) {
            problems.add(r.failure());
            return problems;
        }
        if (!r.loaded()) {
            problems.add("the export ended " + r.run().path("status").asText() + ": "
                    + r.run().path("error"));
            return problems;
        }
        for (Map.Entry<String, Long> e : r.expected().entrySet()) {
            Long rows = r.warehouse().get("raw." + e.getKey());
            if (rows == null || rows.longValue() != e.getValue()) {
                problems.add(e.getKey() + ": generated " + e.getValue() + ", warehouse raw." + e.getKey() + " holds "
                        + rows);
            }
        }
        return problems;
    }

    static String table(LoadResult r) {
        StringBuilder out = new StringBuilder();
        LoadOptions o = r.options();
        long bytes = r.serverStats().path("bytes").asLong();
        long resources = r.resources();
        out.append(String.format(
                "%n== load test: %s requested, %.1f MB of NDJSON served, %,d resources of %d types "
                        + "(%s export), seed %d, chunks <= %,d lines, %s%n",
                o.size(),
                mb(bytes),
                resources,
                r.expected().size(),
                o.level(),
                o.seed(),
                o.maxLines(),
                o.describeMemory()));
        out.append(String.format("%-38s %9s %14s %9s%n", "stage", "seconds", "resources/s", "MB/s"));
        double t0 = r.requestedAtMillis();
        double firstByte = (r.serverStats().path("firstByteMillis").asLong() - t0) / 1000;
        double lastFile = (r.serverStats().path("lastFileMillis").asLong() - t0) / 1000;
        row(out, "transfer (server -> landing)", lastFile - firstByte, resources, bytes);
        double[] split = window(r.samples(), Sample::linesSplit, resources);
        row(out, "split (landing -> chunks)", split[1] - split[0], resources, bytes);
        double[] load = window(r.samples(), Sample::rowsLoaded, resources);
        row(out, "load (chunks -> DuckDB)", load[1] - load[0], resources, bytes);
        JsonNode timings = r.run().path("timings");
        double endToEnd = seconds(
                timings.path("createdAt").asText(null), timings.path("loadedAt").asText(null));
        double manifestToLoaded = seconds(
                timings.path("exportedAt").asText(null),
                timings.path("loadedAt").asText(null));
        row(out, "end to end (POST /exports -> LOADED)", endToEnd, resources, bytes);
        row(out, "manifest -> LOADED", manifestToLoaded, resources, bytes);
        out.append(String.format(
                "   stage windows in seconds since the request: transfer %.0f-%.0f, split %.0f-%.0f, "
                        + "load %.0f-%.0f%n",
                firstByte, lastFile, split[0], split[1], load[0], load[1]));

        out.append(String.format("%n%-38s %12s%n", "process", "peak RSS MB"));
        List<String> order = new ArrayList<>(List.of("artemis", "azurite"));
        order.addAll(LocalStack.SERVICES);
        order.add(LoadTest.SERVER);
        for (String p : order) {
            Long peak = r.peakRss().get(p);
            if (peak != null) {
                out.append(String.format(
                        "%-38s %12.0f%s%n",
                        p,
                        peak / 1048576.0,
                        p.equals(LoadTest.SERVER) ? "   (the load source, not part of fhirpipe)" : ""));
            }
        }

        out.append(String.format("%n%-38s %12s %10s%n", "queue", "max depth", "at second"));
        for (String q : QueueNames.of(io.fhirpipe.model.topology.Topology.standard())) {
            long max = 0;
            double at = 0;
            for (Sample s : r.samples()) {
                long d = s.queueDepths().getOrDefault(q, 0L);
                if (d > max) {
                    max = d;
                    at = s.seconds();
                }
            }
            out.append(String.format("%-38s %,12d %10.0f%n", q, max, at));
        }
        JsonNode progress = r.run().path("progress");
        int chunks = 0;
        for (JsonNode t : progress.path("types")) {
            chunks += t.path("chunksLoaded").asInt();
        }
        out.append(String.format(
                "%nchunks loaded %,d; mismatches reported by the status API: %s%n",
                chunks, progress.path("mismatches")));
        List<String> problems = mismatches(r);
        out.append(
                problems.isEmpty()
                        ? String.format(
                                "exactly once: the warehouse holds exactly the %,d generated resources (raw table per "
                                        + "type = generated count, %d types)%n",
                                resources, r.expected().size())
                        : "NOT EXACTLY ONCE:\n  " + String.join("\n  ", problems) + "\n");
        return out.toString();
    }

    static void writeCsv(Path file, LoadResult r) throws IOException {
        List<String> processes = new ArrayList<>(r.peakRss().keySet());
        List<String> queues = QueueNames.of(io.fhirpipe.model.topology.Topology.standard());
        StringBuilder csv = new StringBuilder("seconds,status,bytes_served,lines_served,lines_split,rows_loaded");
        processes.forEach(p -> csv.append(",rss_mb_").append(p));
        queues.forEach(q -> csv.append(",depth_").append(q));
        csv.append('\n');
        for (Sample s : r.samples()) {
            csv.append(String.format(
                    "%.1f,%s,%d,%d,%d,%d",
                    s.seconds(), s.status(), s.bytesServed(), s.linesServed(), s.linesSplit(), s.rowsLoaded()));
            processes.forEach(p ->
                    csv.append(String.format(",%.1f", s.rssBytes().getOrDefault(p, -1L) / 1048576.0)));
            queues.forEach(q -> csv.append(',').append(s.queueDepths().getOrDefault(q, -1L)));
            csv.append('\n');
        }
        Files.writeString(file, csv);
    }

    private static double[] window(List<Sample> samples, ToLongFunction<Sample> counter, long total) {
        double start = Double.NaN;
        double end = Double.NaN;
        for (int i = 0; i < samples.size(); i++) {
            long v = counter.applyAsLong(samples.get(i));
            if (Double.isNaN(start) && v > 0) {
                start = i == 0 ? 0 : samples.get(i - 1).seconds();
            }
            if (Double.isNaN(end) && v >= total) {
                end = samples.get(i).seconds();
            }
        }
        return new double[] {start, end};
    }

    private static void row(StringBuilder out, String stage, double seconds, long resources, long bytes) {
        if (Double.isNaN(seconds) || seconds <= 0) {
            out.append(String.format("%-38s %9s %14s %9s%n", stage, "-", "-", "-"));
        } else {
            out.append(String.format(
                    "%-38s %9.1f %,14.0f %9.1f%n", stage, seconds, resources / seconds, mb(bytes) / seconds));
        }
    }

    private static double seconds(String from, String to) {
        if (from == null || to == null) {
            return Double.NaN;
        }
        return Duration.between(Instant.parse(from), Instant.parse(to)).toMillis() / 1000.0;
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }
}
