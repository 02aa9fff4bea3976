package io.fhirpipe.fhirclient.auth;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AccessTokenSources} needs beyond the settings of one server; the defaults suit
 * production.
 *
 * @param refreshMargin how long before expiry a cached token is replaced
 * @param requestTimeout for each request to a token endpoint or SMART configuration
 * @param httpClient for SMART requests; absent means one is created when SMART is used
 */
record TokenSourceOptions(
        Duration refreshMargin, Duration requestTimeout, Clock clock, Optional<HttpClient> httpClient) {

    public TokenSourceOptions {
        Objects.requireNonNull(refreshMargin, "refreshMargin");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(httpClient, "httpClient");
        if (refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin must not be negative, was " + refreshMargin);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    public static TokenSourceOptions defaults() {
        return new TokenSourceOptions(
                CachingAccessTokenSource.DEFAULT_REFRESH_MARGIN,
                SmartBackendServicesTokenFetcher.DEFAULT_REQUEST_TIMEOUT,
                Clock.systemUTC(),
                Optional.empty());
    }

    public TokenSourceOptions withRefreshMargin(Duration margin) {
        return new TokenSourceOptions(margin, requestTimeout, clock, httpClient);
    }

    public TokenSourceOptions withRequestTimeout(Duration timeout) {
        return new TokenSourceOptions(refreshMargin, timeout, clock, httpClient);
    }

    public TokenSourceOptions withClock(Clock newClock) {
        return new TokenSourceOptions(refreshMargin, requestTimeout, newClock, httpClient);
    }

    public TokenSourceOptions withHttpClient(HttpClient client) {
        return new TokenSourceOptions(refreshMargin, requestTimeout, clock, Optional.of(client));
    }
}
