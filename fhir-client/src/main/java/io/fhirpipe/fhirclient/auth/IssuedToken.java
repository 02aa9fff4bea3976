package io.fhirpipe.fhirclient.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An access token as an identity provider issued it, with the moment it was obtained and the moment
 * it stops being accepted.
 */
record IssuedToken(String value, Instant obtainedAt, Instant expiresAt) {

    public IssuedToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * When to stop using this token and fetch a new one: {@code refreshMargin} before expiry, but
     * never earlier than half-way through its lifetime. Without that floor a provider issuing tokens
     * that live shorter than the margin would be asked for a new token on every single request.
     */
    public Instant refreshAt(Duration refreshMargin) {
        Duration lifetime = Duration.between(obtainedAt, expiresAt);
        Duration halfLifetime = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(2);
        Duration margin = refreshMargin.compareTo(halfLifetime) > 0 ? halfLifetime : refreshMargin;
        return expiresAt.minus(margin);
    }

    public boolean isUsableUntilRefresh(Instant now, Duration refreshMargin) {
        return now.isBefore(refreshAt(refreshMargin));
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "IssuedToken[value=" + Redaction.REDACTED + ", obtainedAt=" + obtainedAt + ", expiresAt=" + expiresAt
                + "]";
    }
}
