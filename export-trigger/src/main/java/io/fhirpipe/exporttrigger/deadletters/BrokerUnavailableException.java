package io.fhirpipe.exporttrigger.deadletters;

/** The broker could not be reached or refused an operation: the REST API answers 503. */
final class BrokerUnavailableException extends RuntimeException {
    BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
