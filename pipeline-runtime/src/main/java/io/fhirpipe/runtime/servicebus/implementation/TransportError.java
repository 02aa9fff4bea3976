package io.fhirpipe.runtime.servicebus.implementation;

/**
 * An error the processor reported while it keeps running (lost connection, throttling, a lock that
 * could not be renewed).
 *
 * @param source what failed, e.g. RECEIVE, RENEW_LOCK, COMPLETE
 * @param transientFailure whether Service Bus says a retry can succeed
 */
public record TransportError(String entityPath, String source, boolean transientFailure, Throwable exception) {}
