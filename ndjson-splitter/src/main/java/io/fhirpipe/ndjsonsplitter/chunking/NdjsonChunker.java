package io.fhirpipe.ndjsonsplitter.chunking;

import java.io.BufferedOutputStream;
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
 *   <li>Every other line is validated ({@link LineValidator}); a failing line, or one that cannot
 *       fit in a chunk, goes to {@link ChunkSink#rejected} with its 1-based line number — never
 *       silently dropped.</li>
 * </ul>
 *
 * Memory is bounded by the read buffer and one line (at most {@code maxBytes}), never the file.
 * Not thread-safe; one instance per file.
 */
public final class NdjsonChunker {

    /** How much of an oversized line is kept for the rejection record. */
    public static final int EXCERPT_BYTES = 1024;

    private static final int READ_BUFFER = 64 * 1024;
    private static final int WRITE_BUFFER = 64 * 1024;
    private static final int INITIAL_LINE_BUFFER = 16 * 1024;

    private final ChunkLimits limits;

    public NdjsonChunker(ChunkLimits limits) {
        this.limits = limits;
    }

    /** Splits {@code in}, decompressing it first when {@code gzip}. Does not close {@code in}. */
    public SplitResult split(InputStream in, boolean gzip, String resourceType, ChunkSink sink) throws IOException {
        if (gzip) {
            GZIPInputStream unzipped = new GZIPInputStream(in, READ_BUFFER);
            return split(unzipped, resourceType, sink);
        }
        return split(in, resourceType, sink);
    }

    public SplitResult split(InputStream in, String resourceType, ChunkSink sink) throws IOException {
        return new Run(new LineValidator(resourceType), sink).run(in);
    }

    private final class Run {
        private final LineValidator validator;
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
        private int chunkIndex = -1;
        private long chunkLines;
        private long chunkBytes;

        private long lines;
        private long rejected;
        private long blank;

        Run(LineValidator validator, ChunkSink sink) {
            this.validator = validator;
            this.sink = sink;
        }

        SplitResult run(InputStream in) throws IOException {
            byte[] buffer = new byte[READ_BUFFER];
            int n;
            while ((n = in.read(buffer)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        append(buffer, start, i - start);
                        finishLine();
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

        private void finishLine() throws IOException {
            lineNumber++;
            try {
                if (oversized) {
                    reject(tooLarge(), Math.min(lineLength, EXCERPT_BYTES), true);
                    return;
                }
                int start = 0;
                int end = lineLength;
                if (end > start && line[end - 1] == '\r') {
                    end--;
                }
                if (lineNumber == 1 && end >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB
                        && (line[2] & 0xff) == 0xBF) {
                    start = 3;
                }
                if (isBlank(start, end)) {
                    blank++;
                    return;
                }
                int length = end - start;
                if ((long) length + 1 > limits.maxBytes()) {
                    reject(tooLarge(), Math.min(length, EXCERPT_BYTES), true);
                    return;
                }
                String problem = validator.check(line, start, length);
                if (problem != null) {
                    rejectText(problem, start, length);
                    return;
                }
                write(start, length);
            } finally {
                lineLength = 0;
                oversized = false;
                pending = false;
            }
        }

        private String tooLarge() {
            return "line is larger than the chunk limit of " + limits.maxBytes() + " bytes";
        }

        private boolean isBlank(int start, int end) {
            for (int i = start; i < end; i++) {
                byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        private void reject(String reason, int excerptLength, boolean truncated) throws IOException {
            rejected++;
            sink.rejected(new LineRejection(lineNumber, reason,
                    new String(line, 0, excerptLength, StandardCharsets.UTF_8), truncated));
        }

        private void rejectText(String reason, int start, int length) throws IOException {
            rejected++;
            sink.rejected(new LineRejection(lineNumber, reason,
                    new String(line, start, length, StandardCharsets.UTF_8), false));
        }

        private void write(int start, int length) throws IOException {
            long size = length + 1L;
            if (chunk != null && (chunkLines >= limits.maxLines() || chunkBytes + size > limits.maxBytes())) {
                closeChunk();
            }
            if (chunk == null) {
                chunkIndex++;
                chunk = new BufferedOutputStream(sink.openChunk(chunkIndex), WRITE_BUFFER);
                chunkLines = 0;
                chunkBytes = 0;
                digest.reset();
            }
            chunk.write(line, start, length);
            chunk.write('\n');
            digest.update(line, start, length);
            digest.update((byte) '\n');
            chunkLines++;
            chunkBytes += size;
            lines++;
        }

        private void closeChunk() throws IOException {
            if (chunk == null) {
                return;
            }
            chunk.close();
            chunk = null;
            ChunkSummary summary = new ChunkSummary(chunkIndex, chunkLines, chunkBytes,
                    HexFormat.of().formatHex(digest.digest()));
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
