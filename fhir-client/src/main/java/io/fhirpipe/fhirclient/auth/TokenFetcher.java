package io.fhirpipe.fhirclient.auth;

/** Obtains a brand-new access token from an identity provider, on every call. */
@FunctionalInterface
interface TokenFetcher {

    /** @throws AccessTokenException when the identity provider gives no token */
    IssuedToken fetchToken();
}
