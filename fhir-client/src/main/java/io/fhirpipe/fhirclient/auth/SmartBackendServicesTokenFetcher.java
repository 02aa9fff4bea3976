package io.fhirpipe.fhirclient.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Obtains tokens with the SMART Backend Services client-credentials grant: a form POST to the token
 * endpoint carrying a freshly signed client assertion.
 */
final class SmartBackendServicesTokenFetcher implements TokenFetcher {

    public static final String CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * SMART requires {@code expires_in}, but a server that leaves it out still issued a usable token;
     * assuming a short life means at worst fetching new tokens more often than needed.
     */
    static final Duration LIFETIME_WHEN_UNSTATED = Duration.ofMinutes(5);

    private static final int MAX_ERROR_BODY_CHARS = 200;
    private static final Logger LOG = Logger.getLogger(SmartBackendServicesTokenFetcher.class);

    private final HttpClient httpClient;
    private final Supplier<URI> tokenEndpoint;
    private final SmartClientAssertionSigner assertionSigner;
    private final String scope;
    private final Clock clock;
    private final Duration requestTimeout;

    /**
     * @param tokenEndpoint the token endpoint URL; a supplier so that it can be discovered on first
     *     use rather than when the service starts
     */
    public SmartBackendServicesTokenFetcher(
            HttpClient httpClient,
            Supplier<URI> tokenEndpoint,
            SmartClientAssertionSigner assertionSigner,
            String scope,
            Clock clock,
            Duration requestTimeout) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.assertionSigner = Objects.requireNonNull(assertionSigner, "assertionSigner");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    @Override
    public IssuedToken fetchToken() {
        URI endpoint = tokenEndpoint.get();
        String assertion = assertionSigner.signAssertionFor(endpoint);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(assertion)))
                .build();
        Instant requestedAt = clock.instant();
        HttpResponse<String> response = send(request, endpoint);
        if (response.statusCode() / 100 != 2) {
            throw new AccessTokenException(describeRefusal(endpoint, response, assertion));
        }
        SmartTokenResponse token;
        try {
            token = SmartTokenResponse.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new AccessTokenException("SMART token endpoint " + endpoint + " answered HTTP "
                    + response.statusCode() + " but not with a usable token response: " + e.getMessage());
        }
        if (!token.isBearer()) {
            throw new AccessTokenException("SMART token endpoint " + endpoint + " issued a token of type '"
                    + token.tokenType() + "'; only bearer tokens are supported");
        }
        LOG.debugf(
                "SMART token endpoint %s granted scope %s",
                endpoint, token.scope().orElse("<unstated>"));
        // Counting from before the request keeps the computed expiry on the safe side of the real one.
        Instant expiresAt = requestedAt.plus(token.expiresIn().orElse(LIFETIME_WHEN_UNSTATED));
        return new IssuedToken(token.accessToken(), requestedAt, expiresAt);
    }

    private String formBody(String assertion) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", CLIENT_ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpResponse<String> send(HttpRequest request, URI endpoint) {
        try {
            return httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AccessTokenException("SMART token endpoint " + endpoint + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessTokenException(
                    "interrupted while requesting a token from SMART token endpoint " + endpoint, e);
        }
    }

    /**
     * The assertion is scrubbed from whatever the server sent back: some servers echo the request
     * in their error text, and a still-valid assertion is a credential.
     */
    private static String describeRefusal(URI endpoint, HttpResponse<String> response, String assertion) {
        String body = response.body() == null ? "" : response.body().replace(assertion, Redaction.REDACTED);
        String prefix =
                "SMART token endpoint " + endpoint + " refused the token request with HTTP " + response.statusCode();
        return OAuthErrorResponse.parse(body)
                .map(error -> prefix + ": " + error.summary())
                .orElseGet(() -> prefix + " and no OAuth error; body starts: " + truncate(body));
    }

    private static String truncate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_ERROR_BODY_CHARS ? oneLine : oneLine.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }

    @Override
    public String toString() {
        return "SmartBackendServicesTokenFetcher[scope=" + scope + ", " + assertionSigner + "]";
    }
}
