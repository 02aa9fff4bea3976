package io.fhirpipe.ndjsonsplitter.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads the wrapped stream on a background thread into at most {@code depth} buffers of
 * {@code bufferSize} bytes, so downloading the next blocks overlaps the caller's processing.
 * Memory is bounded by {@code (depth + 2) * bufferSize} (queued, being read, being filled). Buffers
 * the caller has finished with are reused: buffers of a MiB are "humongous" objects for G1 in a
 * small heap, and allocating one per MiB read kept triggering collections. Failures of the source
 * surface on the caller's next read.
 */
public final class ReadAheadInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final InputStream source;
    private final BlockingQueue<Object> queue;
    /** Full-size buffers the caller is done with, for the reader to fill again. */
    private final BlockingQueue<byte[]> free;

    private final int bufferSize;
    private final Thread reader;
    private byte[] current;
    private int position;
    private int limit;
    private boolean finished;
    private volatile boolean closed;

    public ReadAheadInputStream(InputStream source, int bufferSize, int depth) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.free = new ArrayBlockingQueue<>(depth + 2);
        this.bufferSize = bufferSize;
        this.reader = new Thread(() -> fill(bufferSize), "read-ahead");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    private void fill(int bufferSize) {
        try {
            while (!closed) {
                byte[] recycled = free.poll();
                byte[] buffer = recycled != null ? recycled : new byte[bufferSize];
                int filled = 0;
                int n;
                while (filled < bufferSize && (n = source.read(buffer, filled, bufferSize - filled)) != -1) {
                    filled += n;
                }
                if (filled > 0) {
                    queue.put(filled == bufferSize ? buffer : Arrays.copyOf(buffer, filled));
                }
                if (filled < bufferSize) {
                    queue.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean next() throws IOException {
        if (finished) {
            return false;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for data");
        }
        if (item instanceof IOException e) {
            finished = true;
            throw new IOException(e.getMessage(), e);
        }
        if (item instanceof RuntimeException e) {
            finished = true;
            throw new IOException(e.getMessage(), e);
        }
        if (current != null && current.length == bufferSize) {
            free.offer(current);
        }
        current = null;
        byte[] buffer = (byte[]) item;
        if (buffer == END) {
            finished = true;
            return false;
        }
        current = buffer;
        position = 0;
        limit = buffer.length;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (current == null || position >= limit) {
            if (!next()) {
                return -1;
            }
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (current == null || position >= limit) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        queue.clear();
        source.close();
    }
}
