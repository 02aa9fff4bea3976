package io.fhirpipe.synapseloader.lines;

import io.fhirpipe.model.ndjson.JsonLineCheck;
import io.fhirpipe.model.ndjson.LineRejection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks every line of a chunk of resources before DuckDB sees it, so one bad line is rejected
 * with its number and reason instead of failing the bulk read of the whole chunk. The rules are
 * {@link JsonLineCheck}'s, the splitter's too: a chunk the splitter wrote passes whole, and only a
 * chunk from elsewhere (a hand-posted {@code chunk.ready}) can have lines rejected here.
 *
 * <p>One pass that also hashes the bytes. A second pass copying the good lines happens only when
 * something was rejected or blank.
 *
 * <p>A line marked as Azure's soft-deleted version ({@code meta.extension} with url
 * {@value JsonLineCheck#SOFT_DELETED_URL} and {@code valueString} {@code soft-deleted}) is also
 * reported as a deletion; the loader applies it before the chunk's rows, so its tombstone hides that
 * version too.
 */
public final class ResourceLineScreen {

    private final java.time.Clock clock;

    public ResourceLineScreen() {
        this(java.time.Clock.systemUTC());
    }

    ResourceLineScreen(java.time.Clock clock) {
        this.clock = clock;
    }

    public ScreenResult screen(Path chunk, String resourceType, Path workDirectory) throws IOException {
        // one per call: the check keeps per-line state, and two chunks are screened at once
        JsonLineCheck check = JsonLineCheck.resources(resourceType, "chunk");
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
                String reason = check.check(buffer, offset, length);
                if (reason == null) {
                    accepted[0]++;
                    JsonLineCheck.SoftDeletion deletion = check.softDeletion(buffer, offset, length);
                    if (deletion != null) {
                        softDeleted.add(new Deletion(
                                deletion.id(),
                                deletion.lastUpdated() == null ? clock.instant() : deletion.lastUpdated()));
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

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
