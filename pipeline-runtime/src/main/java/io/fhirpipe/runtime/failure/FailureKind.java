package io.fhirpipe.runtime.failure;

/** Decides what happens to a message whose processing failed. */
public enum FailureKind {
    /** Abandon: the broker redelivers, and dead-letters after the subscription's max delivery count. */
    TRANSIENT,
    /** Dead-letter now, with a reason. */
    PERMANENT
}
