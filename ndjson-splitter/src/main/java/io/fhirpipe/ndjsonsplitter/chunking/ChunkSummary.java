package io.fhirpipe.ndjsonsplitter.chunking;

/** One finished chunk: its index from 0, its line count, its size in bytes and the SHA-256 (hex) of those bytes. */
public record ChunkSummary(int index, long lineCount, long bytes, String sha256) {}
