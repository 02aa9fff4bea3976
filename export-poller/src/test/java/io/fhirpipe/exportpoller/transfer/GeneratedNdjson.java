package io.fhirpipe.exportpoller.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic NDJSON file of Observations, generated on the fly (never held in memory): every
 * line has the same length, so the size is exact and known before the first byte.
 */
public final class GeneratedNdjson {

    /** Bytes per line, newline included. */
    public static final int LINE = 512;

    private final long lines;

    public GeneratedNdjson(long lines) {
        this.lines = lines;
    }

    /** The smallest file of at least {@code bytes}. */
    public static GeneratedNdjson ofAtLeast(long bytes) {
        return new GeneratedNdjson((bytes + LINE - 1) / LINE);
    }

    public long lines() {
        return lines;
    }

    public long size() {
        return lines * LINE;
    }

    static byte[] line(long n) {
        String head = "{\"resourceType\":\"Observation\",\"id\":\"obs-" + n + "\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + (8000 + n % 997)
                + "-" + (n % 10) + "\"}]},\"subject\":{\"reference\":\"Patient/pt-" + (n % 25000)
                + "\"},\"valueQuantity\":{\"value\":" + (n % 1000) / 10.0
                + ",\"unit\":\"mg/dL\"},\"note\":[{\"text\":\"";
        String tail = "\"}]}";
        int pad = LINE - 1 - head.length() - tail.length();
        StringBuilder out = new StringBuilder(LINE).append(head);
        for (int i = 0; i < pad; i++) {
            out.append((char) ('a' + (int) ((n + i) % 26)));
        }
        out.append(tail).append('\n');
        byte[] bytes = out.toString().getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != LINE) {
            throw new IllegalStateException("line " + n + " has " + bytes.length + " bytes");
        }
        return bytes;
    }

    public void writeTo(OutputStream out) throws IOException {
        byte[] batch = new byte[LINE * 128];
        long n = 0;
        while (n < lines) {
            int inBatch = (int) Math.min(128, lines - n);
            for (int i = 0; i < inBatch; i++) {
                System.arraycopy(line(n + i), 0, batch, i * LINE, LINE);
            }
            out.write(batch, 0, inBatch * LINE);
            n += inBatch;
        }
    }

    public InputStream stream() {
        return new InputStream() {
            private long next;
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == current.length) {
                    if (next >= lines) {
                        return -1;
                    }
                    current = line(next++);
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    public String sha256() throws IOException {
        return sha256(stream());
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream input = in) {
            int n;
            while ((n = input.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
