package io.fhirpipe.synapseloader.lines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time LF search splits exactly like String.split on LF, CR before LF dropped. */
class NdjsonLinesTest {

    @Test
    void theNewlineSearchFindsTheFirstLfAtEveryPosition() {
        for (int length = 0; length < 40; length++) {
            for (int at = 0; at <= length; at++) {
                byte[] b = new byte[length];
                java.util.Arrays.fill(b, (byte) 0x0b); // LF + 1: the byte most likely to fool a word trick
                if (at < length) {
                    b[at] = '\n';
                    if (at + 1 < length) {
                        b[at + 1] = '\n' + 1;
                    }
                }
                assertThat(NdjsonLines.newline(b, 0, length))
                        .as("length %d, LF at %d", length, at)
                        .isEqualTo(at);
            }
        }
        byte[] two = "ab\ncd\nef".getBytes(StandardCharsets.UTF_8);
        assertThat(NdjsonLines.newline(two, 3, two.length)).isEqualTo(5);
        assertThat(NdjsonLines.newline(two, 6, two.length)).isEqualTo(8);
    }

    @Test
    void linesOfAnyLengthAcrossBufferBoundariesComeOutWhole() throws Exception {
        Random random = new Random(7);
        List<String> expected = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < 3000; n++) {
            int length = random.nextInt(n % 100 == 0 ? 200_000 : 300);
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < length; k++) {
                line.append((char) ('a' + random.nextInt(26)));
            }
            expected.add(line.toString());
            text.append(line).append(n % 3 == 0 ? "\r\n" : "\n");
        }
        text.append("last");
        expected.add("last");
        List<String> actual = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        NdjsonLines.forEach(
                new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
                (n, buffer, offset, length) -> {
                    actual.add(new String(buffer, offset, length, StandardCharsets.UTF_8));
                    numbers.add(n);
                });
        assertThat(actual).isEqualTo(expected);
        assertThat(numbers.get(numbers.size() - 1)).isEqualTo(expected.size());
    }
}
