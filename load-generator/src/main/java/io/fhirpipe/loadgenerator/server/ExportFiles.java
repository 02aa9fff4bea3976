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
 * file and the loaded rows still equal the generated counts); error lines are OperationOutcomes.
 */
final class ExportFiles {

    enum Kind {
        OUTPUT("output"), DELETED("deleted"), ERROR("error");

        final String wire;

        Kind(String wire) {
            this.wire = wire;
        }
    }

    /** One manifest entry: {@code type} is what the manifest says (Bundle for deleted files). */
    record FileEntry(Kind kind, SyntheticType source, String type, int index, long first, long count) {
        String path(String job) {
            String name = source == null ? "OperationOutcome" : source.resourceType();
            return "/fhir/$export-file/" + job + "/" + kind.wire + "/" + name + "/" + index + ".ndjson";
        }
    }

    private ExportFiles() {
    }

    static List<FileEntry> of(Population population, List<SyntheticType> types, ServerOptions options) {
        List<FileEntry> files = new ArrayList<>();
        for (SyntheticType type : types) {
            long count = population.count(type);
            int n = 0;
            for (long first = 0; first < count; first += options.resourcesPerFile(), n++) {
                files.add(new FileEntry(Kind.OUTPUT, type, type.resourceType(), n, first,
                        Math.min(options.resourcesPerFile(), count - first)));
            }
        }
        if (options.deletedPerType() > 0) {
            for (SyntheticType type : types) {
                files.add(new FileEntry(Kind.DELETED, type, "Bundle", 0, population.count(type),
                        options.deletedPerType()));
            }
        }
        if (options.errors() > 0) {
            files.add(new FileEntry(Kind.ERROR, null, "OperationOutcome", 0, 0, options.errors()));
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
    static void write(FileEntry file, Population population, OutputStream out, ServeStats stats) throws IOException {
        for (long k = 0; k < file.count; k++) {
            String line = switch (file.kind) {
                case OUTPUT -> population.line(file.source, file.first + k);
                case DELETED -> deletedBundle(population, file.source, file.first + k);
                case ERROR -> operationOutcome(k);
            };
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            if (file.kind == Kind.OUTPUT) {
                stats.served(file.source, bytes.length);
            }
        }
    }

    /** The Bulk Data IG's deleted-file line: a transaction Bundle whose entry DELETEs the resource. */
    static String deletedBundle(Population population, SyntheticType type, long index) {
        String id = population.id(type, index);
        return "{\"resourceType\":\"Bundle\",\"id\":\"del-" + id + "\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"" + type.resourceType() + "/" + id + "\"}}]}";
    }

    static String operationOutcome(long k) {
        return "{\"resourceType\":\"OperationOutcome\",\"id\":\"err-" + k + "\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"processing\",\"diagnostics\":\"synthetic error " + k
                + ": the resource could not be exported\"}]}";
    }
}
