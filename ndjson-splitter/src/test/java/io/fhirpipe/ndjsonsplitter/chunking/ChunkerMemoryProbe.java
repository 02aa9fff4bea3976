package io.fhirpipe.ndjsonsplitter.chunking;

import io.fhirpipe.model.ndjson.LineRejection;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Run in a small heap by {@link NdjsonChunkerTest}: splits generated NDJSON of the given size into counting sinks. */
public final class ChunkerMemoryProbe {

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        byte[] line = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"F\"}]}\n"
                .getBytes(StandardCharsets.UTF_8);
        long count = total / line.length;
        long size = count * line.length;
        InputStream generated = new InputStream() {
            long position;

            @Override
            public int read() {
                return position >= size ? -1 : line[(int) (position++ % line.length)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long remaining = size - position;
                if (remaining <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, remaining);
                for (int i = 0; i < n; i++) {
                    b[off + i] = line[(int) (position++ % line.length)];
                }
                return n;
            }
        };
        long[] written = new long[1];
        ChunkSink counting = new ChunkSink() {
            @Override
            public OutputStream openChunk(int index) {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        written[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        written[0] += len;
                    }
                };
            }

            @Override
            public void rejected(LineRejection rejection) {
                throw new IllegalStateException(rejection.toString());
            }
        };
        SplitResult result =
                new NdjsonChunker(new ChunkLimits(100_000, 8L * 1024 * 1024)).split(generated, "Patient", counting);
        if (result.lineCount() != count || written[0] != size || result.chunks().size() < 20) {
            System.out.println("mismatch " + result);
            System.exit(2);
        }
        System.out.println(
                "ok lines=" + result.lineCount() + " chunks=" + result.chunks().size());
    }
}
