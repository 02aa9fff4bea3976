package io.fhirpipe.model.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Identifier derivation. Deterministic ids are name-based: the same inputs give the same id on
 * every replica and every replay, which is what makes duplicate detection work end to end.
 */
public final class Ids {

    /** Export ids, job names and the like: safe in blob paths, URLs and SQL literals. */
    public static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {}

    /** A UUID-formatted id from SHA-256 over the parts (each length-prefixed, so ("ab","c") != ("a","bc")). */
    public static String deterministic(List<String> parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            byte[] bytes = Objects.requireNonNull(part, "id part").getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        byte[] hash = digest.digest();
        // RFC 9562 version 8 (custom) layout: keep the version and variant bits honest.
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
            lsb = (lsb << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }

    public static String deterministic(String... parts) {
        return deterministic(List.of(parts));
    }

    /** A new export id for an ad-hoc request. */
    public static String newExportId() {
        return UUID.randomUUID().toString();
    }

    /**
     * The export id of a scheduled run: every replica that fires the same job for the same window
     * computes the same id, so only one of them can create the run.
     */
    public static String scheduledExportId(String job, java.time.Instant windowStart) {
        return deterministic("schedule", job, windowStart.toString());
    }

    /** An export id derived from a client's Idempotency-Key, scoped to the server it targets. */
    public static String idempotentExportId(String server, String idempotencyKey) {
        return deterministic("idempotency-key", server, idempotencyKey);
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE_ID.matcher(id).matches();
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
