package io.fhirpipe.fhirclient.bulkdata;

/** A URL that is not the configured server's: it is never fetched, and nothing is sent to it. */
public final class ForeignUrlException extends RuntimeException {

    ForeignUrlException(String message) {
        super(message, null, false, false);
    }
}
