package io.fhirpipe.ndjsonsplitter.chunking;

import io.fhirpipe.model.ndjson.LineRejection;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keeps chunks and rejections in memory, for tests. */
final class MemorySink implements ChunkSink {

    final List<ByteArrayOutputStream> chunks = new ArrayList<>();
    final List<ChunkSummary> closed = new ArrayList<>();
    final List<LineRejection> rejections = new ArrayList<>();

    @Override
    public OutputStream openChunk(int index) {
        if (index != chunks.size()) {
            throw new AssertionError("chunk " + index + " opened out of order");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.add(out);
        return out;
    }

    @Override
    public void chunkClosed(ChunkSummary summary) {
        closed.add(summary);
    }

    @Override
    public void rejected(LineRejection rejection) {
        rejections.add(rejection);
    }

    String chunk(int index) {
        return chunks.get(index).toString(StandardCharsets.UTF_8);
    }

    String all() {
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.toString(StandardCharsets.UTF_8)));
        return text.toString();
    }
}
