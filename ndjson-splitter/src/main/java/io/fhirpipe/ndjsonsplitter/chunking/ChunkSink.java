package io.fhirpipe.ndjsonsplitter.chunking;

import io.fhirpipe.model.ndjson.LineRejection;
import java.io.IOException;
import java.io.OutputStream;

/** Where the chunker puts its output: one stream per chunk, and every rejected line. */
public interface ChunkSink {

    /** Opens chunk {@code index}; the chunker writes the chunk's bytes and closes the stream. */
    OutputStream openChunk(int index) throws IOException;

    /** Called after the chunk's stream was closed. */
    default void chunkClosed(ChunkSummary summary) throws IOException {}

    void rejected(LineRejection rejection) throws IOException;
}
