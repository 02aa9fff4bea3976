package io.fhirpipe.model.storage;

import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.ids.Ids;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file in the landing container: {@code {exportId}/{Type}-{n}.ndjson} for outputs,
 * {@code {exportId}/deleted/{Type}-{n}.ndjson} for deleted-resource files and
 * {@code {exportId}/error/{Type}-{n}.ndjson} for OperationOutcome files, optionally {@code .gz}.
 * The export id and the resource type come from this path, never from a message's say-so.
 */
public record LandingBlob(String exportId, FileKind kind, String resourceType, int fileIndex, boolean gzip) {

    private static final Pattern PATH =
            Pattern.compile("(?<export>[A-Za-z0-9][A-Za-z0-9._-]{0,127})/(?:(?<kind>deleted|error)/)?"
                    + "(?<type>[A-Z][A-Za-z]{1,63})-(?<index>\\d{1,6})\\.ndjson(?<gz>\\.gz)?");

    public LandingBlob {
        if (!Ids.isSafe(exportId)) {
            throw new IllegalArgumentException("export id '" + exportId + "' is not a safe id");
        }
        if (fileIndex < 0) {
            throw new IllegalArgumentException("file index must be >= 0");
        }
    }

    public String name() {
        String folder = kind == FileKind.OUTPUT ? exportId + "/" : exportId + "/" + kind.wireName() + "/";
        return folder + resourceType + "-" + fileIndex + ".ndjson" + (gzip ? ".gz" : "");
    }

    public static Optional<LandingBlob> parse(String blobName) {
        if (blobName == null) {
            return Optional.empty();
        }
        Matcher m = PATH.matcher(blobName);
        if (!m.matches()) {
            return Optional.empty();
        }
        FileKind kind = m.group("kind") == null ? FileKind.OUTPUT : FileKind.fromWireName(m.group("kind"));
        return Optional.of(new LandingBlob(
                m.group("export"), kind, m.group("type"), Integer.parseInt(m.group("index")), m.group("gz") != null));
    }
}
