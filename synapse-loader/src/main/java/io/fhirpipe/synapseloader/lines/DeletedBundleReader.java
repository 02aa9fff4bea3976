package io.fhirpipe.synapseloader.lines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.fhir.FhirInstants;
import io.fhirpipe.model.fhir.FhirReferences;
import io.fhirpipe.model.ndjson.JsonLineCheck;
import io.fhirpipe.model.ndjson.LineRejection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Reads a chunk of a Bulk Data {@code deleted[]} file: each line is a Bundle whose entries have
 * {@code request.method = DELETE} and {@code request.url = Type/id} (absolute URLs and a trailing
 * {@code /_history/n} are accepted too). A line is taken whole or rejected whole. The manifest names
 * such a file's type {@code Bundle}, and its entries may delete resources of any type; a file named
 * after one type (the deletes fhirpipe read from {@code _history}) deletes only that type.
 *
 * <p>When was the resource deleted? The spec carries no time per entry, so the reader takes, in
 * order: {@code entry.response.lastModified}, the Bundle's {@code meta.lastUpdated}, its
 * {@code timestamp}, and otherwise {@code fallback} (the time the chunk is loaded). The tombstone
 * this time goes into decides which later-arriving versions are older than the deletion.
 */
public final class DeletedBundleReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The type the Bulk Data manifest gives a deleted[] file: its entries delete any type. */
    public static final String ANY_TYPE = "Bundle";

    public DeletedScreenResult read(Path chunk, String resourceType, Instant fallback) throws IOException {
        java.util.Map<String, List<Deletion>> deletions = new java.util.LinkedHashMap<>();
        List<LineRejection> rejections = new ArrayList<>();
        long[] accepted = {0};
        // the line rules of the splitter, which split this file (a Bundle, strict JSON); then the entries
        JsonLineCheck check = JsonLineCheck.deletedBundles();
        MessageDigest sha256 = ResourceLineScreen.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(chunk), sha256)) {
            NdjsonLines.forEach(in, (n, buffer, offset, length) -> {
                if (NdjsonLines.isBlank(buffer, offset, length)) {
                    return;
                }
                java.util.Map<String, List<Deletion>> line = new java.util.LinkedHashMap<>();
                String reason = check.check(buffer, offset, length);
                if (reason == null) {
                    reason = entries(MAPPER.readTree(buffer, offset, length), resourceType, fallback, line);
                }
                if (reason == null) {
                    accepted[0]++;
                    line.forEach((type, found) -> deletions
                            .computeIfAbsent(type, t -> new ArrayList<>())
                            .addAll(found));
                } else {
                    rejections.add(NdjsonLines.reject(n, reason, buffer, offset, length));
                }
            });
        }
        return new DeletedScreenResult(
                deletions, accepted[0], rejections, HexFormat.of().formatHex(sha256.digest()));
    }

    /** The deletions of a Bundle the line check accepted, or why one of its entries is not understood. */
    private static String entries(
            JsonNode bundle, String resourceType, Instant fallback, java.util.Map<String, List<Deletion>> out) {
        JsonNode entries = bundle.path("entry");
        if (!entries.isArray() || entries.isEmpty()) {
            return "Bundle has no entry";
        }
        Instant bundleTime = FhirInstants.first(bundle.path("meta").path("lastUpdated"), bundle.path("timestamp"));
        for (int i = 0; i < entries.size(); i++) {
            JsonNode request = entries.get(i).path("request");
            String method = request.path("method").asText("");
            if (!"DELETE".equals(method.toUpperCase(Locale.ROOT))) {
                return "entry[" + i + "].request.method is not DELETE";
            }
            Matcher m = FhirReferences.TYPE_AND_ID.matcher(request.path("url").asText(""));
            if (!m.matches()) {
                return "entry[" + i + "].request.url is not Type/id";
            }
            if (!m.group(1).equals(resourceType) && !ANY_TYPE.equals(resourceType)) {
                return "entry[" + i + "] deletes a " + m.group(1) + " in a " + resourceType + " file";
            }
            Instant when = FhirInstants.first(entries.get(i).path("response").path("lastModified"));
            out.computeIfAbsent(m.group(1), t -> new ArrayList<>())
                    .add(new Deletion(m.group(2), when != null ? when : bundleTime != null ? bundleTime : fallback));
        }
        return null;
    }
}
