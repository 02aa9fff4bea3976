package io.fhirpipe.ndjsonsplitter.chunking;

import io.fhirpipe.model.ndjson.JsonLineCheck;
import io.fhirpipe.model.ndjson.LineRejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads an NDJSON stream once and cuts it at line boundaries into chunks of at most
 * {@link ChunkLimits#maxLines()} lines and {@link ChunkLimits#maxBytes()} bytes.
 *
 * <ul>
 *   <li>LF and CRLF are accepted; chunks are written with LF terminators only.</li>
 *   <li>Blank (whitespace-only) lines are skipped; a missing final newline is fine; a UTF-8 BOM at
 *       the start is dropped.</li>
 *   <li>Every other line is checked ({@link JsonLineCheck}, the loader's check too); a failing line,
 *       or one that cannot fit in a chunk, goes to {@link ChunkSink#rejected} with its 1-based line
 *       number — never silently dropped.</li>
 * </ul>
 *
 * Memory is bounded by the read and write buffers and one line (at most {@code maxBytes}), never
 * the file. A line that lies within one read buffer (nearly all) is checked in place; only lines
 * crossing buffers are gathered. Output is gathered and handed to the chunk stream and SHA-256 in
 * 64 KiB pieces. Not thread-safe; one instance per file.
 */
public final class NdjsonChunker {

    /** How much of an oversized line is kept for the rejection record. */
    public static final int EXCERPT_BYTES = 1024;

    private static final int READ_BUFFER = 64 * 1024;
    private static final int WRITE_BUFFER = 64 * 1024;
    private static final int INITIAL_LINE_BUFFER = 16 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private final ChunkLimits limits;

    public NdjsonChunker(ChunkLimits limits) {
        this.limits = limits;
    }

    /** Splits {@code in}, decompressing it first when {@code gzip}. Does not close {@code in}. */
    public SplitResult split(InputStream in, boolean gzip, String resourceType, ChunkSink sink) throws IOException {
        return split(in, gzip, JsonLineCheck.resources(resourceType, "file"), sink);
    }

    /**
     * As above, with the line rules given (e.g. {@link JsonLineCheck#deletedBundles()}: a
     * deleted-resources file's Bundles need no id). The check is not shared between threads.
     */
    public SplitResult split(InputStream in, boolean gzip, JsonLineCheck lines, ChunkSink sink) throws IOException {
        if (gzip) {
            GZIPInputStream unzipped = new GZIPInputStream(in, READ_BUFFER);
            return new Run(lines, sink).run(unzipped);
        }
        return new Run(lines, sink).run(in);
    }

    public SplitResult split(InputStream in, String resourceType, ChunkSink sink) throws IOException {
        return split(in, false, resourceType, sink);
    }

    private final class Run {
        private final JsonLineCheck check;
        private final ChunkSink sink;
        private final List<ChunkSummary> chunks = new ArrayList<>();
        private final MessageDigest digest = sha256();
        private final int lineCapacity = (int) limits.maxBytes();

        private byte[] line = new byte[(int) Math.min(INITIAL_LINE_BUFFER, limits.maxBytes())];
        private int lineLength;
        private boolean oversized;
        private boolean pending;
        private long lineNumber;

        private OutputStream chunk;
        /** Output of the open chunk not yet written to it (or digested). */
        private final byte[] out = new byte[WRITE_BUFFER];

        private int outLength;
        private int chunkIndex = -1;
        private long chunkLines;
        private long chunkBytes;

        private long lines;
        private long rejected;
        private long blank;

        Run(JsonLineCheck check, ChunkSink sink) {
            this.check = check;
            this.sink = sink;
        }

        SplitResult run(InputStream in) throws IOException {
            byte[] buffer = new byte[READ_BUFFER];
            int n;
            while ((n = in.read(buffer)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        if (pending) {
                            append(buffer, start, i - start);
                            finishLine();
                        } else {
                            // The common case: the whole line is in the read buffer, check it in place.
                            lineNumber++;
                            finishLine(buffer, start, i);
                        }
                        start = i + 1;
                    }
                }
                if (start < n) {
                    append(buffer, start, n - start);
                }
            }
            if (pending) {
                finishLine();
            }
            closeChunk();
            return new SplitResult(chunks, lines, rejected, blank);
        }

        private void append(byte[] buffer, int offset, int length) {
            pending = true;
            if (oversized || length == 0) {
                return;
            }
            if ((long) lineLength + length > lineCapacity) {
                int keep = Math.max(0, Math.min(length, Math.min(EXCERPT_BYTES, lineCapacity) - lineLength));
                ensureCapacity(lineLength + keep);
                System.arraycopy(buffer, offset, line, lineLength, keep);
                lineLength += keep;
                oversized = true;
                return;
            }
            ensureCapacity(lineLength + length);
            System.arraycopy(buffer, offset, line, lineLength, length);
            lineLength += length;
        }

        private void ensureCapacity(int needed) {
            if (needed > line.length) {
                int size = (int) Math.min(lineCapacity, Math.max(needed, (long) line.length * 2));
                line = Arrays.copyOf(line, size);
            }
        }

        /** Finishes the line gathered in {@link #line} (it crossed read buffers, or ends the input). */
        private void finishLine() throws IOException {
            lineNumber++;
            try {
                if (oversized) {
                    reject(line, 0, Math.min(lineLength, EXCERPT_BYTES), tooLarge(), true);
                    return;
                }
                finishLine(line, 0, lineLength);
            } finally {
                lineLength = 0;
                oversized = false;
                pending = false;
            }
        }

        /** Line {@link #lineNumber} is {@code bytes[from, to)} without its LF. */
        private void finishLine(byte[] bytes, int from, int to) throws IOException {
            if (to - from > lineCapacity) {
                // As if gathered into the line buffer: only the first bytes were kept.
                reject(bytes, from, Math.min(EXCERPT_BYTES, lineCapacity), tooLarge(), true);
                return;
            }
            int start = from;
            int end = to;
            if (end > start && bytes[end - 1] == '\r') {
                end--;
            }
            if (lineNumber == 1
                    && end - start >= 3
                    && (bytes[start] & 0xff) == 0xEF
                    && (bytes[start + 1] & 0xff) == 0xBB
                    && (bytes[start + 2] & 0xff) == 0xBF) {
                start += 3;
            }
            if (isBlank(bytes, start, end)) {
                blank++;
                return;
            }
            int length = end - start;
            if ((long) length + 1 > limits.maxBytes()) {
                reject(bytes, from, Math.min(length, EXCERPT_BYTES), tooLarge(), true);
                return;
            }
            String problem = check.check(bytes, start, length);
            if (problem != null) {
                reject(bytes, start, length, problem, false);
                return;
            }
            write(bytes, start, length);
        }

        private String tooLarge() {
            return "line is larger than the chunk limit of " + limits.maxBytes() + " bytes";
        }

        private boolean isBlank(byte[] bytes, int start, int end) {
            for (int i = start; i < end; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        private void reject(byte[] bytes, int start, int length, String reason, boolean truncated) throws IOException {
            // Keep the sink's view exactly sequential: every byte of earlier lines is written first.
            flushOut();
            rejected++;
            sink.rejected(new LineRejection(
                    lineNumber, reason, new String(bytes, start, length, StandardCharsets.UTF_8), truncated));
        }

        private void write(byte[] bytes, int start, int length) throws IOException {
            long size = length + 1L;
            if (chunk != null && (chunkLines >= limits.maxLines() || chunkBytes + size > limits.maxBytes())) {
                closeChunk();
            }
            if (chunk == null) {
                chunkIndex++;
                chunk = sink.openChunk(chunkIndex);
                chunkLines = 0;
                chunkBytes = 0;
                digest.reset();
            }
            if (size > out.length - outLength) {
                flushOut();
                if (size > out.length) {
                    chunk.write(bytes, start, length);
                    digest.update(bytes, start, length);
                    chunk.write(NEWLINE, 0, 1);
                    digest.update(NEWLINE, 0, 1);
                    size = 0;
                }
            }
            if (size > 0) {
                System.arraycopy(bytes, start, out, outLength, length);
                out[outLength + length] = '\n';
                outLength += length + 1;
            }
            chunkLines++;
            chunkBytes += length + 1L;
            lines++;
        }

        /**
         * Hands the gathered output to the chunk stream and the digest in one piece: per-line calls
         * cost more than the copy, and large updates let SHA-256 run in its intrinsic multi-block loop.
         */
        private void flushOut() throws IOException {
            if (outLength > 0) {
                chunk.write(out, 0, outLength);
                digest.update(out, 0, outLength);
                outLength = 0;
            }
        }

        private void closeChunk() throws IOException {
            if (chunk == null) {
                return;
            }
            flushOut();
            chunk.close();
            chunk = null;
            ChunkSummary summary = new ChunkSummary(
                    chunkIndex, chunkLines, chunkBytes, HexFormat.of().formatHex(digest.digest()));
            chunks.add(summary);
            sink.chunkClosed(summary);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
