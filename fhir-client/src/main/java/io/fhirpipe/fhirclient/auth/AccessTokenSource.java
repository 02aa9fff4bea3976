package io.fhirpipe.fhirclient.auth;

import java.util.Optional;

/**
 * Where the {@code Authorization: Bearer} value for requests to one FHIR server comes from.
 *
 * <p>Implementations are thread-safe: one instance serves every request to its server. Those that
 * obtain tokens from an identity provider cache them and fetch a new one shortly before the cached
 * one expires, so callers ask for a token on every request.
 */
public interface AccessTokenSource {

    /**
     * The access token to send, or empty when the server takes unauthenticated requests.
     *
     * @throws AccessTokenException when a token is needed but cannot be obtained
     */
    Optional<String> bearerToken();

    /**
     * Forgets the cached token so that the next {@link #bearerToken()} obtains a new one. Call it
     * after the FHIR server answered 401: the token may have been revoked before it expired.
     */
    void invalidate();
}
