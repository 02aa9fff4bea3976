package io.fhirpipe.runtime.state;

/** A conditional write kept losing to other writers. */
class ConcurrentUpdateException extends RuntimeException {
    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
