package io.fhirpipe.fhirclient.auth;

import java.util.Optional;

/** For FHIR servers that take requests without an {@code Authorization} header. */
public final class NoAuthentication implements AccessTokenSource {

    @Override
    public Optional<String> bearerToken() {
        return Optional.empty();
    }

    @Override
    public void invalidate() {
        // Nothing cached, nothing to forget.
    }

    @Override
    public String toString() {
        return "NoAuthentication";
    }
}
