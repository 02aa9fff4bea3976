package io.fhirpipe.fhirclient.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the last token a {@link TokenFetcher} issued and hands it out until its refresh time, then
 * fetches the next one. Thread-safe: concurrent callers that find the token due for refresh wait for
 * one fetch rather than each asking the identity provider.
 */
final class CachingAccessTokenSource implements AccessTokenSource {

    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(CachingAccessTokenSource.class);

    private final TokenFetcher fetcher;
    private final String description;
    private final Duration refreshMargin;
    private final Clock clock;
    private final Object fetchLock = new Object();
    private volatile IssuedToken cached;

    /**
     * @param description names the identity provider in logs and {@link #toString()}, e.g. the
     *     token endpoint; never a secret
     */
    public CachingAccessTokenSource(TokenFetcher fetcher, String description, Duration refreshMargin, Clock clock) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.description = Objects.requireNonNull(description, "description");
        this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin must not be negative, was " + refreshMargin);
        }
    }

    @Override
    public Optional<String> bearerToken() {
        IssuedToken token = cached;
        if (token != null && token.isUsableUntilRefresh(clock.instant(), refreshMargin)) {
            return Optional.of(token.value());
        }
        synchronized (fetchLock) {
            // Another thread may have fetched while this one waited for the lock.
            token = cached;
            Instant now = clock.instant();
            if (token != null && token.isUsableUntilRefresh(now, refreshMargin)) {
                return Optional.of(token.value());
            }
            return Optional.of(fetchReplacing(token, now).value());
        }
    }

    private IssuedToken fetchReplacing(IssuedToken previous, Instant now) {
        try {
            IssuedToken fresh = fetcher.fetchToken();
            cached = fresh;
            LOG.debugf("Obtained access token from %s, expires at %s", description, fresh.expiresAt());
            return fresh;
        } catch (AccessTokenException e) {
            // Refreshing early exists to ride out exactly this: a provider that is briefly unavailable.
            if (previous != null && !previous.isExpired(now)) {
                LOG.warnf(
                        "Could not refresh access token from %s, using the current one until it expires at %s: %s",
                        description, previous.expiresAt(), e.getMessage());
                return previous;
            }
            throw e;
        }
    }

    @Override
    public void invalidate() {
        cached = null;
        LOG.debugf("Access token from %s invalidated", description);
    }

    @Override
    public String toString() {
        return "CachingAccessTokenSource[" + description + ", refreshMargin=" + refreshMargin + "]";
    }
}
