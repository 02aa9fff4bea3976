package io.fhirpipe.loadgenerator.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Sends at most about {@code bytesPerSecond} (0: no limit), for a slow FHIR server: sleeps whenever
 * what was written runs ahead of the rate since the first byte, in pieces of a tenth of a second, so
 * the client sees a steady trickle rather than bursts.
 */
final class ThrottledOutputStream extends FilterOutputStream {

    private final long bytesPerSecond;
    private final int piece;
    private long started;
    private long written;

    ThrottledOutputStream(OutputStream out, long bytesPerSecond) {
        super(out);
        this.bytesPerSecond = bytesPerSecond;
        this.piece = (int) Math.max(1, Math.min(1 << 16, bytesPerSecond / 10));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (bytesPerSecond <= 0) {
            out.write(b, off, len);
            return;
        }
        if (started == 0) {
            started = System.nanoTime();
        }
        for (int done = 0; done < len; ) {
            int n = Math.min(piece, len - done);
            out.write(b, off + done, n);
            out.flush();
            done += n;
            written += n;
            long due = started + written * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("throttled download interrupted");
                }
            }
        }
    }
}
