package io.fhirpipe.model.storage;

import io.fhirpipe.model.ids.Ids;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Deterministic names of what the splitter writes. A chunk's name is derived from the source blob
 * name, the source's ETag (one generation of the file) and the chunk index, so a redelivered
 * event overwrites the same blobs with the same bytes, and a rewritten file (new ETag) gets new names.
 *
 * <pre>
 * chunks:   {source without .ndjson[.gz]}/{etag}/{index, 6 digits}.ndjson
 * rejected: {source without .ndjson[.gz]}/{etag}/rejected.ndjson
 * </pre>
 * e.g. {@code exp-1/Patient-0/0x8DC0A1B2C3D4E5F/000003.ndjson}.
 */
public final class ChunkNames {

    private static final Pattern PLAIN_ETAG = Pattern.compile("[A-Za-z0-9]{1,64}");

    private ChunkNames() {}

    /** An ETag without the quotes HTTP puts around it: the form used in events and names. */
    public static String normalizeEtag(String etag) {
        if (etag == null || etag.isBlank()) {
            throw new IllegalArgumentException("an ETag is required");
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    public static String chunkBlob(String sourceBlob, String etag, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("chunk index must be >= 0");
        }
        return folder(sourceBlob, etag) + String.format("%06d", index) + ".ndjson";
    }

    public static String rejectedBlob(String sourceBlob, String etag) {
        return folder(sourceBlob, etag) + "rejected.ndjson";
    }

    private static String folder(String sourceBlob, String etag) {
        String stem = sourceBlob;
        if (stem.endsWith(".gz")) {
            stem = stem.substring(0, stem.length() - 3);
        }
        if (stem.endsWith(".ndjson")) {
            stem = stem.substring(0, stem.length() - ".ndjson".length());
        }
        return stem + "/" + etagToken(normalizeEtag(etag)) + "/";
    }

    private static String etagToken(String etag) {
        if (PLAIN_ETAG.matcher(etag).matches()) {
            return etag;
        }
        return "h" + Ids.sha256Hex(etag.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }
}
