package io.fhirpipe.ndjsonsplitter.chunking;

import java.util.List;

/** What splitting one file produced: the chunks in order, how many lines went into them and how many were rejected. */
public record SplitResult(List<ChunkSummary> chunks, long lineCount, long rejectedLines, long blankLines) {

    public SplitResult {
        chunks = List.copyOf(chunks);
    }

    public long bytes() {
        return chunks.stream().mapToLong(ChunkSummary::bytes).sum();
    }
}
