package io.fhirpipe.runtime.state;

/** A value read from a blob, with the ETag to make a conditional write against. */
public record Versioned<T>(T value, String etag) {}
