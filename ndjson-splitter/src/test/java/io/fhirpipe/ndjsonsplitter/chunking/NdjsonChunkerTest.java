package io.fhirpipe.ndjsonsplitter.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.ndjson.LineRejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class NdjsonChunkerTest {

    private static String patient(int i) {
        return "{\"resourceType\":\"Patient\",\"id\":\"p" + i + "\",\"name\":[{\"family\":\"F" + i + "\"}]}";
    }

    private static SplitResult split(String text, ChunkLimits limits, MemorySink sink) throws IOException {
        return new NdjsonChunker(limits)
                .split(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "Patient", sink);
    }

    @Test
    void cutsAtTheLineLimitAndConcatenationEqualsTheInput() throws IOException {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            in.append(patient(i)).append('\n');
        }
        MemorySink sink = new MemorySink();
        SplitResult result = split(in.toString(), new ChunkLimits(3, 1 << 20), sink);

        assertThat(result.chunks()).extracting(ChunkSummary::lineCount).containsExactly(3L, 3L, 3L, 1L);
        assertThat(result.lineCount()).isEqualTo(10);
        assertThat(result.rejectedLines()).isZero();
        assertThat(sink.all()).isEqualTo(in.toString());
        assertThat(sink.closed).isEqualTo(result.chunks());
        for (ChunkSummary c : result.chunks()) {
            byte[] bytes = sink.chunks.get(c.index()).toByteArray();
            assertThat(c.bytes()).isEqualTo(bytes.length);
            assertThat(c.sha256()).isEqualTo(Ids.sha256Hex(bytes));
        }
    }

    @Test
    void cutsAtTheByteLimitWithoutEverExceedingIt() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add(patient(i));
        }
        String in = String.join("\n", lines) + "\n";
        long max = 200;
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, new ChunkLimits(1000, max), sink);

        assertThat(result.chunks()).allSatisfy(c -> assertThat(c.bytes()).isLessThanOrEqualTo(max));
        assertThat(result.chunks().size()).isGreaterThan(10);
        assertThat(sink.all()).isEqualTo(in);
        for (int i = 0; i < sink.chunks.size(); i++) {
            assertThat(sink.chunk(i)).endsWith("\n").doesNotContain("\n\n");
        }
    }

    @Test
    void aLineExactlyFillingTheLimitFitsAndOneByteMoreIsRejected() throws IOException {
        String exact = patient(1);
        MemorySink fits = new MemorySink();
        split(exact + "\n", new ChunkLimits(10, exact.length() + 1), fits);
        assertThat(fits.all()).isEqualTo(exact + "\n");
        assertThat(fits.rejections).isEmpty();

        MemorySink tooBig = new MemorySink();
        SplitResult result =
                split(exact + "\n" + patient(2).substring(0, 0), new ChunkLimits(10, exact.length()), tooBig);
        assertThat(result.chunks()).isEmpty();
        assertThat(tooBig.rejections).singleElement().satisfies(r -> {
            assertThat(r.lineNumber()).isEqualTo(1);
            assertThat(r.reason()).contains("larger than the chunk limit");
        });
    }

    @Test
    void anOversizedLineIsRejectedWithAnExcerptAndTheNeighboursSurvive() throws IOException {
        String huge = "{\"resourceType\":\"Patient\",\"id\":\"big\",\"text\":\"" + "x".repeat(200_000) + "\"}";
        String in = patient(1) + "\n" + huge + "\n" + patient(3) + "\n";
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, new ChunkLimits(10, 4096), sink);

        assertThat(sink.all()).isEqualTo(patient(1) + "\n" + patient(3) + "\n");
        assertThat(result.lineCount()).isEqualTo(2);
        assertThat(result.rejectedLines()).isEqualTo(1);
        LineRejection r = sink.rejections.get(0);
        assertThat(r.lineNumber()).isEqualTo(2);
        assertThat(r.truncated()).isTrue();
        assertThat(r.line()).hasSize(NdjsonChunker.EXCERPT_BYTES).startsWith("{\"resourceType\":\"Patient\"");
    }

    @Test
    void anOversizedFinalLineWithoutNewlineIsRejected() throws IOException {
        String in = patient(1) + "\n" + "{\"resourceType\":\"Patient\",\"id\":\"" + "y".repeat(5000) + "\"}";
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, new ChunkLimits(10, 1000), sink);
        assertThat(result.lineCount()).isEqualTo(1);
        assertThat(sink.rejections).extracting(LineRejection::lineNumber).containsExactly(2L);
        assertThat(sink.rejections.get(0).line()).hasSize(1000);
    }

    @Test
    void crlfIsNormalisedToLf() throws IOException {
        String in = patient(1) + "\r\n" + patient(2) + "\r\n";
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, ChunkLimits.DEFAULT, sink);
        assertThat(sink.all()).isEqualTo(patient(1) + "\n" + patient(2) + "\n");
        assertThat(result.chunks().get(0).bytes()).isEqualTo(sink.all().length());
        assertThat(sink.rejections).isEmpty();
    }

    @Test
    void blankLinesAreSkippedButCountedInLineNumbers() throws IOException {
        String in = "\n" + patient(1) + "\n\n  \t\n\r\n" + "{\"resourceType\":\"Patient\"}\n" + patient(2) + "\n\n";
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, ChunkLimits.DEFAULT, sink);
        assertThat(sink.all()).isEqualTo(patient(1) + "\n" + patient(2) + "\n");
        assertThat(result.blankLines()).isEqualTo(5);
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.lineNumber()).isEqualTo(6);
            assertThat(r.reason()).isEqualTo("missing id");
        });
    }

    @Test
    void aMissingFinalNewlineKeepsTheLastLine() throws IOException {
        MemorySink sink = new MemorySink();
        SplitResult result = split(patient(1) + "\n" + patient(2), ChunkLimits.DEFAULT, sink);
        assertThat(result.lineCount()).isEqualTo(2);
        assertThat(sink.all()).isEqualTo(patient(1) + "\n" + patient(2) + "\n");
    }

    @Test
    void anEmptyFileGivesNoChunks() throws IOException {
        MemorySink sink = new MemorySink();
        SplitResult result = split("", ChunkLimits.DEFAULT, sink);
        assertThat(result.chunks()).isEmpty();
        assertThat(result.lineCount()).isZero();
        assertThat(sink.chunks).isEmpty();
    }

    @Test
    void everyKindOfBadLineIsRejectedWithItsLineNumberAndReason() throws IOException {
        String in = String.join(
                        "\n",
                        patient(1),
                        "{\"resourceType\":\"Patient\",\"id\":\"p2\"",
                        "{\"resourceType\":\"Observation\",\"id\":\"o1\"}",
                        "{\"resourceType\":\"Patient\"}",
                        "{\"resourceType\":\"Patient\",\"id\":7}",
                        "{\"id\":\"p5\"}",
                        "[1,2]",
                        "{\"resourceType\":\"Patient\",\"id\":\"p6\"} {\"resourceType\":\"Patient\",\"id\":\"p7\"}",
                        "{\"resourceType\":\"Patient\",\"id\":\"\"}",
                        "not json at all",
                        "{\"resourceType\":\"Patient\",\"id\":\"p8\",\"id\":\"p9\"}",
                        patient(10))
                + "\n";
        MemorySink sink = new MemorySink();
        SplitResult result = split(in, ChunkLimits.DEFAULT, sink);

        assertThat(sink.all()).isEqualTo(patient(1) + "\n" + patient(10) + "\n");
        assertThat(result.lineCount()).isEqualTo(2);
        assertThat(result.rejectedLines()).isEqualTo(10);
        assertThat(sink.rejections)
                .extracting(LineRejection::lineNumber)
                .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(sink.rejections.get(0).reason()).startsWith("malformed JSON");
        assertThat(sink.rejections.get(1).reason())
                .isEqualTo("resourceType 'Observation' is not the file's type 'Patient'");
        assertThat(sink.rejections.get(2).reason()).isEqualTo("missing id");
        assertThat(sink.rejections.get(3).reason()).isEqualTo("id is not a string");
        assertThat(sink.rejections.get(4).reason()).isEqualTo("missing resourceType");
        assertThat(sink.rejections.get(5).reason()).isEqualTo("not a JSON object");
        assertThat(sink.rejections.get(6).reason()).isEqualTo("more than one JSON value on the line");
        assertThat(sink.rejections.get(7).reason()).isEqualTo("id is empty");
        assertThat(sink.rejections.get(8).reason()).startsWith("malformed JSON");
        assertThat(sink.rejections.get(9).reason()).startsWith("malformed JSON").contains("Duplicate field");
        assertThat(sink.rejections.get(2).line()).isEqualTo("{\"resourceType\":\"Patient\"}");
        assertThat(sink.rejections).allSatisfy(r -> assertThat(r.truncated()).isFalse());
    }

    @Test
    void gzipIsDecompressedWhileStreaming() throws IOException {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            in.append(patient(i)).append("\r\n");
        }
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(in.toString().getBytes(StandardCharsets.UTF_8));
        }
        MemorySink sink = new MemorySink();
        SplitResult result = new NdjsonChunker(new ChunkLimits(300, 1 << 20))
                .split(new ByteArrayInputStream(zipped.toByteArray()), true, "Patient", sink);
        assertThat(result.chunks()).hasSize(4);
        assertThat(sink.all()).isEqualTo(in.toString().replace("\r\n", "\n"));
    }

    @Test
    void aByteOrderMarkAtTheStartIsDropped() throws IOException {
        MemorySink sink = new MemorySink();
        split("\uFEFF" + patient(1) + "\n", ChunkLimits.DEFAULT, sink);
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.all()).isEqualTo(patient(1) + "\n");
    }

    @Test
    void linesSpanningReadBufferBoundariesAreKeptWhole() throws IOException {
        // 64 KiB read buffer: lines of ~10 KB with a one-byte-at-a-time stream cross every boundary.
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            in.append("{\"resourceType\":\"Patient\",\"id\":\"p")
                    .append(i)
                    .append("\",\"t\":\"")
                    .append("z".repeat(10_000 + i))
                    .append("\"}\r\n");
        }
        byte[] bytes = in.toString().getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7_777));
            }
        };
        MemorySink sink = new MemorySink();
        SplitResult result = new NdjsonChunker(new ChunkLimits(7, 1 << 20)).split(trickle, "Patient", sink);
        assertThat(result.lineCount()).isEqualTo(30);
        assertThat(sink.all()).isEqualTo(in.toString().replace("\r\n", "\n"));
    }

    @Test
    void memoryDoesNotDependOnFileSize() throws Exception {
        // 200 MB of generated NDJSON through the chunker in a JVM with a 24 MB heap.
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString();
        Process process = new ProcessBuilder(
                        javaBin,
                        "-Xmx24m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChunkerMemoryProbe.class.getName(),
                        Long.toString(200L * 1024 * 1024))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("ok lines=");
    }
}
