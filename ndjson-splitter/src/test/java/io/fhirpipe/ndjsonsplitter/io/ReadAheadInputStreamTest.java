package io.fhirpipe.ndjsonsplitter.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {

    @Test
    void deliversExactlyTheSourceBytes() throws IOException {
        byte[] data = new byte[1_000_003];
        new Random(7).nextBytes(data);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 997));
            }
        };
        try (ReadAheadInputStream in = new ReadAheadInputStream(trickle, 4096, 3)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void anEmptySourceIsAtEndAtOnce() throws IOException {
        try (ReadAheadInputStream in = new ReadAheadInputStream(new ByteArrayInputStream(new byte[0]), 16, 2)) {
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aSourceFailureSurfacesOnRead() {
        InputStream failing = new InputStream() {
            int served;

            @Override
            public int read() throws IOException {
                if (served++ < 100) {
                    return 'x';
                }
                throw new IOException("connection reset");
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(failing, 64, 2);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
    }
}
