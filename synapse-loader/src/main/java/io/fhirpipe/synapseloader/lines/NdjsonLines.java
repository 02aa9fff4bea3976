package io.fhirpipe.synapseloader.lines;

import io.fhirpipe.model.ndjson.LineRejection;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on LF (a CR before it is dropped) without decoding them: the
 * screen hands the bytes straight to Jackson's parser, so a chunk is read once, at stream speed.
 */
public final class NdjsonLines {

    public static final int EXCERPT_BYTES = 4096;

    /** Receives each line; {@code buffer} is reused, copy what must outlive the call. */
    @FunctionalInterface
    public interface LineHandler {
        void line(long lineNumber, byte[] buffer, int offset, int length) throws IOException;
    }

    private NdjsonLines() {}

    public static void forEach(InputStream in, LineHandler handler) throws IOException {
        byte[] buffer = new byte[1 << 20];
        byte[] pending = new byte[1 << 16];
        int pendingLength = 0;
        long lineNumber = 0;
        int read;
        while ((read = in.read(buffer)) > 0) {
            int start = 0;
            for (int i = newline(buffer, 0, read); i < read; i = newline(buffer, i + 1, read)) {
                lineNumber++;
                if (pendingLength == 0) {
                    handler.line(lineNumber, buffer, start, trimCr(buffer, start, i - start));
                } else {
                    pending = append(pending, pendingLength, buffer, start, i - start);
                    pendingLength += i - start;
                    handler.line(lineNumber, pending, 0, trimCr(pending, 0, pendingLength));
                    pendingLength = 0;
                }
                start = i + 1;
            }
            if (start < read) {
                pending = append(pending, pendingLength, buffer, start, read - start);
                pendingLength += read - start;
            }
        }
        if (pendingLength > 0) {
            handler.line(lineNumber + 1, pending, 0, trimCr(pending, 0, pendingLength));
        }
    }

    public static boolean isBlank(byte[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = buffer[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    public static LineRejection reject(long lineNumber, String reason, byte[] buffer, int offset, int length) {
        int excerpt = Math.min(length, EXCERPT_BYTES);
        return new LineRejection(
                lineNumber, reason, new String(buffer, offset, excerpt, StandardCharsets.UTF_8), excerpt < length);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long NEWLINES = ONES * '\n';

    /** Index of the first LF in {@code [from, to)}, or {@code to}; eight bytes per step. */
    static int newline(byte[] b, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & 0x8080808080808080L;
            if (found != 0) {
                // the lowest flagged byte is always a real LF (a borrow only flags bytes above one)
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int trimCr(byte[] buffer, int offset, int length) {
        return length > 0 && buffer[offset + length - 1] == '\r' ? length - 1 : length;
    }

    private static byte[] append(byte[] target, int targetLength, byte[] source, int offset, int length) {
        byte[] out = target;
        if (targetLength + length > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, targetLength + length));
        }
        System.arraycopy(source, offset, out, targetLength, length);
        return out;
    }
}
