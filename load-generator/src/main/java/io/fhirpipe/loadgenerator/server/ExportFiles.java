package io.fhirpipe.loadgenerator.server;

import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one export and their bytes. Output file {@code n} of a type holds resources
 * {@code [n * perFile, (n + 1) * perFile)}; the deleted resources of a type are ids just past the
 * population's count (resources "deleted before this export", so none of them is also in an output
 * file and the loaded rows still equal the generated counts); error lines are OperationOutcomes. An
 * output line a {@link Faults fault} hits keeps its place, so the manifest's count stays the lines served.
 */
final class ExportFiles {

    enum Kind {
        OUTPUT("output"),
        DELETED("deleted"),
        ERROR("error");

        final String wire;

        Kind(String wire) {
            this.wire = wire;
        }
    }

    /**
     * One manifest entry: {@code type} is what the manifest says (Bundle for deleted files); {@code ordinal}
     * numbers the export's output files from 1 in manifest order (0 for the others), for file faults.
     */
    record FileEntry(Kind kind, SyntheticType source, String type, int index, long first, long count, int ordinal) {
        String path(String job) {
            return "/fhir/$export-file/" + job + "/" + name();
        }

        /** The file's name within its export, e.g. {@code output/Patient/0.ndjson}. */
        String name() {
            return kind.wire + "/" + (source == null ? "OperationOutcome" : source.resourceType()) + "/" + index
                    + ".ndjson";
        }
    }

    private ExportFiles() {}

    static List<FileEntry> of(Population population, List<SyntheticType> types, ServerOptions options) {
        List<FileEntry> files = new ArrayList<>();
        int ordinal = 0;
        for (SyntheticType type : types) {
            long count = population.count(type);
            int n = 0;
            for (long first = 0; first < count; first += options.resourcesPerFile(), n++) {
                files.add(new FileEntry(
                        Kind.OUTPUT,
                        type,
                        type.resourceType(),
                        n,
                        first,
                        Math.min(options.resourcesPerFile(), count - first),
                        ++ordinal));
            }
        }
        if (options.deletedPerType() > 0) {
            for (SyntheticType type : types) {
                files.add(new FileEntry(
                        Kind.DELETED, type, "Bundle", 0, population.count(type), options.deletedPerType(), 0));
            }
        }
        if (options.errors() > 0) {
            files.add(new FileEntry(Kind.ERROR, null, "OperationOutcome", 0, 0, options.errors(), 0));
        }
        return files;
    }

    /** Finds the entry a download path names, or null. */
    static FileEntry find(List<FileEntry> files, String kind, String type, int index) {
        for (FileEntry f : files) {
            String name = f.source == null ? "OperationOutcome" : f.source.resourceType();
            if (f.kind.wire.equals(kind) && name.equals(type) && f.index == index) {
                return f;
            }
        }
        return null;
    }

    /** Streams the file, one line at a time: memory stays the same whatever its size. */
    static void write(FileEntry file, Population population, Faults faults, OutputStream out, ServeStats stats)
            throws IOException {
        write(file, population, faults, out, stats, file.count);
    }

    /**
     * Streams lines {@code [0, stopAt)} and, when {@code stopAt} is within the file, the first half of line
     * {@code stopAt}: what a client gets before the connection drops.
     */
    static void write(
            FileEntry file, Population population, Faults faults, OutputStream out, ServeStats stats, long stopAt)
            throws IOException {
        boolean lineFaults = file.kind == Kind.OUTPUT && faults.anyLineFaults();
        for (long k = 0; k < file.count && k <= stopAt; k++) {
            Faults.LineFault fault = lineFaults ? faults.lineFault(population, file, k) : Faults.LineFault.NONE;
            long written;
            if (fault == Faults.LineFault.OVERSIZED && k < stopAt) {
                written = writeOversized(population.line(file.source, file.first + k), faults.oversizedBytes(), out);
            } else {
                String line = switch (file.kind) {
                    case OUTPUT ->
                        switch (fault) {
                            case MALFORMED -> malformed(population, file.source, file.first + k);
                            default -> population.line(file.source, file.first + k);
                        };
                    case DELETED -> deletedBundle(population, file.source, file.first + k);
                    case ERROR -> operationOutcome(k);
                };
                boolean cut = fault == Faults.LineFault.TRUNCATED || k == stopAt;
                String served = cut ? line.substring(0, line.length() / 2) : line + "\n";
                byte[] bytes = served.getBytes(StandardCharsets.UTF_8);
                out.write(bytes);
                written = bytes.length;
            }
            if (file.kind == Kind.OUTPUT) {
                stats.served(file.source, written);
            }
        }
    }

    /** A line that starts like the resource but is not JSON, with no blank in it (blank lines are skipped). */
    static String malformed(Population population, SyntheticType type, long index) {
        return "{\"resourceType\":\"" + type.resourceType() + "\",\"id\":\"" + population.id(type, index)
                + "\",<not-json:synthetic-malformed-line>";
    }

    /**
     * The resource padded with a narrative to {@code bytes} bytes (more when the resource alone is longer),
     * streamed so that a line bigger than any buffer costs no memory. Still one valid JSON object: only its
     * size is wrong.
     */
    private static long writeOversized(String resource, long bytes, OutputStream out) throws IOException {
        byte[] head = (resource.substring(0, resource.length() - 1)
                        + ",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</div>\"}}\n".getBytes(StandardCharsets.UTF_8);
        long padding = Math.max(0, bytes - head.length - (tail.length - 1));
        out.write(head);
        byte[] block = new byte[(int) Math.min(padding, 1 << 16)];
        java.util.Arrays.fill(block, (byte) 'x');
        for (long left = padding; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(left, block.length));
        }
        out.write(tail);
        return head.length + padding + tail.length;
    }

    /** The Bulk Data IG's deleted-file line: a transaction Bundle whose entry DELETEs the resource. */
    static String deletedBundle(Population population, SyntheticType type, long index) {
        String id = population.id(type, index);
        return "{\"resourceType\":\"Bundle\",\"id\":\"del-" + id
                + "\",\"type\":\"transaction\",\"entry\":[{\"request\":" + "{\"method\":\"DELETE\",\"url\":\""
                + type.resourceType() + "/" + id + "\"}}]}";
    }

    static String operationOutcome(long k) {
        return "{\"resourceType\":\"OperationOutcome\",\"id\":\"err-" + k + "\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"processing\",\"diagnostics\":\"synthetic error " + k
                + ": the resource could not be exported\"}]}";
    }
}
