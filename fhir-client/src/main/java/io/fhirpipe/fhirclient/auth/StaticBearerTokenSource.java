package io.fhirpipe.fhirclient.auth;

import java.util.Objects;
import java.util.Optional;

/** A token handed over in configuration, sent as it is for as long as the process runs. */
final class StaticBearerTokenSource implements AccessTokenSource {

    private final String token;

    public StaticBearerTokenSource(String token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public Optional<String> bearerToken() {
        return Optional.of(token);
    }

    @Override
    public void invalidate() {
        // There is no other token to turn to: a rejected static token needs new configuration.
    }

    @Override
    public String toString() {
        return "StaticBearerTokenSource[token=" + Redaction.REDACTED + "]";
    }
}
