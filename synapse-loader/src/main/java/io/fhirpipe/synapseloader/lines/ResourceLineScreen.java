package io.fhirpipe.synapseloader.lines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks every line of a chunk of resources before DuckDB sees it, so one bad line is rejected
 * with its number and reason instead of failing the bulk read of the whole chunk. A line loads
 * when it is one JSON object whose {@code resourceType} is the chunk's type, whose {@code id} is a
 * FHIR id, and whose {@code meta.lastUpdated} (if any) is an instant and {@code meta.versionId}
 * (if any) a string: exactly what the raw table and the latest-version rule need.
 *
 * <p>One pass that also hashes the bytes: each line first goes through {@link FastLineCheck}, a
 * byte scan without decoding, and only a line it cannot vouch for through Jackson's token stream
 * (which gives the reason). A second pass copying the good lines happens only when something was
 * rejected or blank.
 *
 * <p>A line marked as Azure's soft-deleted version ({@code meta.extension} with url
 * {@value #SOFT_DELETED_URL} and {@code valueString} {@code soft-deleted}) is also reported as a
 * deletion; the loader applies it before the chunk's rows, so its tombstone hides that version too.
 */
public final class ResourceLineScreen {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    static final String SOFT_DELETED_URL = "http://azurehealthcareapis.com/data-extensions/deleted-state";
    private static final byte[] SOFT_DELETED_HINT = FastLineCheck.utf8("data-extensions/deleted-state");
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final java.time.Clock clock;

    public ResourceLineScreen() {
        this(java.time.Clock.systemUTC());
    }

    ResourceLineScreen(java.time.Clock clock) {
        this.clock = clock;
    }

    public ScreenResult screen(Path chunk, String resourceType, Path workDirectory) throws IOException {
        byte[] type = FastLineCheck.utf8(resourceType);
        List<LineRejection> rejections = new ArrayList<>();
        List<Deletion> softDeleted = new ArrayList<>();
        long[] accepted = {0};
        boolean[] blank = {false};
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(chunk), sha256)) {
            NdjsonLines.forEach(in, (n, buffer, offset, length) -> {
                if (NdjsonLines.isBlank(buffer, offset, length)) {
                    blank[0] = true;
                    return;
                }
                // the byte scan vouches for ordinary lines; Jackson decides (and explains) the rest
                String reason = FastLineCheck.accepts(buffer, offset, length, type) ? null
                        : check(buffer, offset, length, resourceType);
                if (reason == null) {
                    accepted[0]++;
                    if (indexOf(buffer, offset, length, SOFT_DELETED_HINT) >= 0) {
                        softDeleted(buffer, offset, length).ifPresent(softDeleted::add);
                    }
                } else {
                    rejections.add(NdjsonLines.reject(n, reason, buffer, offset, length));
                }
            });
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        if (rejections.isEmpty() && !blank[0]) {
            return new ScreenResult(chunk, accepted[0], rejections, hash, softDeleted);
        }
        Path clean = Files.createTempFile(workDirectory, "clean-", ".ndjson");
        java.util.Set<Long> bad = new java.util.HashSet<>();
        rejections.forEach(r -> bad.add(r.lineNumber()));
        try (InputStream in = Files.newInputStream(chunk);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(clean), 1 << 16)) {
            NdjsonLines.forEach(in, (n, buffer, offset, length) -> {
                if (!bad.contains(n) && !NdjsonLines.isBlank(buffer, offset, length)) {
                    out.write(buffer, offset, length);
                    out.write('\n');
                }
            });
        }
        return new ScreenResult(clean, accepted[0], rejections, hash, softDeleted);
    }

    /** The deletion a line stands for when it carries Azure's soft-deleted mark (the line was accepted). */
    private java.util.Optional<Deletion> softDeleted(byte[] buffer, int offset, int length) throws IOException {
        com.fasterxml.jackson.databind.JsonNode resource = MAPPER.readTree(buffer, offset, length);
        for (com.fasterxml.jackson.databind.JsonNode extension : resource.path("meta").path("extension")) {
            if (SOFT_DELETED_URL.equals(extension.path("url").asText())
                    && "soft-deleted".equals(extension.path("valueString").asText())) {
                String lastUpdated = resource.path("meta").path("lastUpdated").asText(null);
                return java.util.Optional.of(new Deletion(resource.path("id").asText(), lastUpdated == null
                        ? clock.instant() : OffsetDateTime.parse(lastUpdated).toInstant()));
            }
        }
        return java.util.Optional.empty();
    }

    static int indexOf(byte[] buffer, int offset, int length, byte[] needle) {
        int last = offset + length - needle.length;
        byte first = needle[0];
        outer:
        for (int i = offset; i <= last; i++) {
            if (buffer[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (buffer[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** @return null when the line can be loaded, else why not */
    static String check(byte[] buffer, int offset, int length, String resourceType) {
        try (JsonParser p = FACTORY.createParser(buffer, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            String type = null;
            String id = null;
            String problem = null;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("resourceType".equals(name)) {
                    type = value == JsonToken.VALUE_STRING ? p.getText() : "";
                } else if ("id".equals(name)) {
                    id = value == JsonToken.VALUE_STRING ? p.getText() : "";
                } else if ("meta".equals(name) && value == JsonToken.START_OBJECT) {
                    String metaProblem = meta(p);
                    problem = problem == null ? metaProblem : problem;
                } else {
                    p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return "malformed JSON: unexpected " + token;
            }
            if (p.nextToken() != null) {
                return "more than one JSON value on the line";
            }
            if (type == null) {
                return "missing resourceType";
            }
            if (!type.equals(resourceType)) {
                return "resourceType '" + type + "' is not the chunk's type '" + resourceType + "'";
            }
            if (id == null) {
                return "missing id";
            }
            if (!FHIR_ID.matcher(id).matches()) {
                return "id is not a FHIR id (1-64 of A-Z a-z 0-9 - .)";
            }
            return problem;
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "unreadable line: " + e.getMessage();
        }
    }

    private static String meta(JsonParser p) throws IOException {
        String problem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("lastUpdated".equals(name)) {
                if (value != JsonToken.VALUE_STRING || !isInstant(p.getText())) {
                    problem = "meta.lastUpdated is not a FHIR instant";
                }
            } else if ("versionId".equals(name)) {
                if (value != JsonToken.VALUE_STRING) {
                    problem = "meta.versionId is not a string";
                }
            } else {
                p.skipChildren();
            }
        }
        return problem;
    }

    private static boolean isInstant(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
