package io.fhirpipe.fhirclient.auth;

/**
 * An access token could not be obtained. The message names the identity provider or endpoint and
 * what it said; it never holds a token, a key or a signed client assertion.
 */
public class AccessTokenException extends RuntimeException {

    public AccessTokenException(String message) {
        super(message);
    }

    public AccessTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
