package io.fhirpipe.synapseloader;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.chunk.ChunkSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Chunks as local files, named like the splitter names them, for loader tests without storage. */
public final class LocalChunks implements ChunkSource {

    private final Path directory;
    private final Map<String, Path> files = new HashMap<>();

    public LocalChunks(Path directory) {
        this.directory = directory;
    }

    /** Writes lines as chunk {@code index} of {@code sourceBlob} and returns its chunk.ready. */
    public ChunkReady add(String sourceBlob, String resourceType, int index, List<String> lines) {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return add(sourceBlob, resourceType, index, bytes);
    }

    public ChunkReady add(String sourceBlob, String resourceType, int index, byte[] bytes) {
        String exportId = sourceBlob.substring(0, sourceBlob.indexOf('/'));
        String stem = sourceBlob.substring(0, sourceBlob.length() - ".ndjson".length());
        String chunkBlob = stem + "/0x1/" + String.format("%06d", index) + ".ndjson";
        Path file = directory.resolve(chunkBlob.replace('/', '_'));
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.put(chunkBlob, file);
        long lines = new String(bytes, StandardCharsets.UTF_8).lines().count();
        return new ChunkReady(
                exportId, resourceType, sourceBlob, "0x1", chunkBlob, index, lines, bytes.length, Ids.sha256Hex(bytes));
    }

    @Override
    public LocalChunk fetch(ChunkRef chunk, Path workDirectory) {
        Path file = files.get(chunk.chunkBlob());
        if (file == null) {
            throw new ChunkFailure(ChunkFailure.CHUNK_NOT_FOUND, "no local chunk " + chunk.chunkBlob());
        }
        return new LocalChunk(file, false);
    }
}
