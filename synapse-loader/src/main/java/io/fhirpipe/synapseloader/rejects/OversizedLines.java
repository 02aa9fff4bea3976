package io.fhirpipe.synapseloader.rejects;

import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.synapseloader.lines.NdjsonLines;
import io.fhirpipe.synapseloader.lines.ScreenResult;
import io.fhirpipe.synapseloader.warehouse.LineLimit;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Diverts the lines of a chunk that are too long for the warehouse's bulk load (a row over
 * 1,000,000 bytes fails COPY INTO on a dedicated pool, a cell over 1 MB on Fabric) to the rejected
 * lines, so that one huge resource does not fail its whole chunk: the others load, and the
 * diverted line is reported like any other reject (rejected/, the chunk's rejected count). Runs
 * after the screen, on the chunk as downloaded, so line numbers are the chunk's.
 *
 * <p>Diverting rather than loading by another path (a parameterised INSERT) keeps the three T-SQL
 * dialects alike and the load one bulk statement; the resource is not lost, it stays in the chunk
 * and landing blobs, and the reject names its line.
 */
public final class OversizedLines {

    private OversizedLines() {}

    /**
     * @param chunk the chunk as downloaded (the screen's input)
     * @param screened what the screen found
     * @return {@code screened} itself when no accepted line is over the limit (or there is none);
     *         else a result whose loadable copy lacks those lines too, whose rejections include them
     *         (in line order) and whose accepted count excludes them. The screen's own copy, if it
     *         made one, is deleted then.
     */
    public static ScreenResult divert(Path chunk, ScreenResult screened, Optional<LineLimit> limit, Path workDirectory)
            throws IOException {
        if (limit.isEmpty()) {
            return screened;
        }
        long max = limit.get().maxBytes();
        Set<Long> rejected = new HashSet<>();
        screened.rejections().forEach(r -> rejected.add(r.lineNumber()));
        List<LineRejection> oversized = new ArrayList<>();
        try (InputStream in = Files.newInputStream(chunk)) {
            NdjsonLines.forEach(in, (n, buffer, offset, length) -> {
                if (length > max && !rejected.contains(n) && !NdjsonLines.isBlank(buffer, offset, length)) {
                    oversized.add(NdjsonLines.reject(
                            n,
                            "line of " + length + " bytes is over the warehouse's limit of " + max + " bytes per line ("
                                    + limit.get().why() + ")",
                            buffer,
                            offset,
                            length));
                }
            });
        }
        if (oversized.isEmpty()) {
            return screened;
        }
        Set<Long> skip = new HashSet<>(rejected);
        oversized.forEach(r -> skip.add(r.lineNumber()));
        Path clean = Files.createTempFile(workDirectory, "fitting-", ".ndjson");
        try (InputStream in = Files.newInputStream(chunk);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(clean), 1 << 16)) {
            NdjsonLines.forEach(in, (n, buffer, offset, length) -> {
                if (!skip.contains(n) && !NdjsonLines.isBlank(buffer, offset, length)) {
                    out.write(buffer, offset, length);
                    out.write('\n');
                }
            });
        }
        if (!screened.loadable().equals(chunk)) {
            Files.deleteIfExists(screened.loadable());
        }
        List<LineRejection> all = new ArrayList<>(screened.rejections());
        all.addAll(oversized);
        all.sort(Comparator.comparingLong(LineRejection::lineNumber));
        return new ScreenResult(
                clean, screened.accepted() - oversized.size(), all, screened.sha256(), screened.softDeleted());
    }
}
