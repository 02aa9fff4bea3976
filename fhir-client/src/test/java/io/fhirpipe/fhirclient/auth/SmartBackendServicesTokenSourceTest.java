package io.fhirpipe.fhirclient.auth;

import static io.fhirpipe.fhirclient.auth.FakeSmartAuthorizationServer.CLIENT_ID;
import static io.fhirpipe.fhirclient.auth.FakeSmartAuthorizationServer.KEY_ID;
import static io.fhirpipe.fhirclient.auth.FakeSmartAuthorizationServer.SCOPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.fhirclient.auth.FakeSmartAuthorizationServer.CannedResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SMART Backend Services end to end, for each signing algorithm: settings through
 * {@link AccessTokenSources}, a real HTTP exchange with an authorization server that verifies the
 * signed assertion, and the caching around it.
 */
class SmartBackendServicesTokenSourceTest {

    private static final Duration MARGIN = Duration.ofSeconds(60);

    private static final HttpClient HTTP_CLIENT = HttpClient.newHttpClient();
    private final MutableClock clock = MutableClock.startingNow();
    private FakeSmartAuthorizationServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private KeyPair startServer(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = TestKeys.forAlgorithm(algorithm);
        server = new FakeSmartAuthorizationServer(algorithm, keys.getPublic(), clock);
        return keys;
    }

    private AuthSettings.Smart settings(SigningAlgorithm algorithm, KeyPair keys, Optional<URI> tokenUrl) {
        return new AuthSettings.Smart(
                tokenUrl,
                CLIENT_ID,
                KEY_ID,
                Optional.of(TestKeys.pkcs8Pem(keys.getPrivate())),
                Optional.empty(),
                algorithm,
                SCOPE);
    }

    private AccessTokenSource source(AuthSettings settings) {
        return AccessTokenSources.create(settings, server.fhirBaseUrl(), options());
    }

    private TokenSourceOptions options() {
        return TokenSourceOptions.defaults()
                .withClock(clock)
                .withRefreshMargin(MARGIN)
                .withHttpClient(HTTP_CLIENT);
    }

    private AccessTokenSource startedSource(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = startServer(algorithm);
        return source(settings(algorithm, keys, Optional.of(server.tokenUrl())));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void returnsTheTokenIssuedForAVerifiedAssertion(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);

        Optional<String> token = source.bearerToken();

        assertThat(server.rejections()).isEmpty();
        assertThat(server.issuedTokens()).hasSize(1);
        assertThat(token).contains(server.issuedTokens().get(0));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void servesTheCachedTokenWithoutANewRequestUntilExpiryMinusMargin(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.setExpiresInSeconds(300);
        String first = source.bearerToken().orElseThrow();

        clock.advance(Duration.ofSeconds(300).minus(MARGIN).minusSeconds(1));
        String second = source.bearerToken().orElseThrow();

        assertThat(second).isEqualTo(first);
        assertThat(server.tokenRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void fetchesANewTokenOnceTheClockPassesExpiryMinusMargin(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.setExpiresInSeconds(300);
        String first = source.bearerToken().orElseThrow();

        clock.advance(Duration.ofSeconds(300).minus(MARGIN));
        String second = source.bearerToken().orElseThrow();

        assertThat(server.tokenRequests()).isEqualTo(2);
        // The server refuses a replayed jti, so a second token also proves a second, distinct assertion.
        assertThat(server.rejections()).isEmpty();
        assertThat(second).isNotEqualTo(first).isEqualTo(server.issuedTokens().get(1));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void invalidateForcesANewFetchWithinValidity(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        String first = source.bearerToken().orElseThrow();

        source.invalidate();
        String second = source.bearerToken().orElseThrow();

        assertThat(server.tokenRequests()).isEqualTo(2);
        assertThat(server.rejections()).isEmpty();
        assertThat(second).isNotEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aRefusalNamesTheEndpointAndTheOAuthErrorButNotTheAssertion(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion -> new CannedResponse(
                401, "{\"error\":\"invalid_client\",\"error_description\":\"no key registered for kid test-key-1\"}"));

        assertThatThrownBy(source::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining(server.tokenUrl().toString())
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("invalid_client (no key registered for kid test-key-1)")
                .hasMessageNotContaining(onlyAssertion());
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aBadRequestNamesTheOAuthError(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion -> new CannedResponse(400, "{\"error\":\"invalid_scope\"}"));

        assertThatThrownBy(source::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining(server.tokenUrl().toString())
                .hasMessageContaining("HTTP 400: invalid_scope")
                .hasMessageNotContaining(onlyAssertion());
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void anAssertionEchoedBackByTheServerIsScrubbedFromTheMessage(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion -> new CannedResponse(
                400, "{\"error\":\"invalid_grant\",\"error_description\":\"assertion " + assertion + " expired\"}"));

        assertThatThrownBy(source::bearerToken)
                .hasMessageContaining("invalid_grant (assertion <redacted> expired)")
                .hasMessageNotContaining(onlyAssertion());
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aNonOAuthErrorBodyIsQuotedShortAndScrubbed(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion -> new CannedResponse(
                502, "<html>Bad gateway for client_assertion=" + assertion + "</html>" + "x".repeat(500)));

        assertThatThrownBy(source::bearerToken)
                .hasMessageContaining(
                        "HTTP 502 and no OAuth error; body starts: <html>Bad gateway for client_assertion=<redacted></html>")
                .hasMessageNotContaining(onlyAssertion())
                .hasMessageNotContaining("x".repeat(201));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void anUnusableSuccessResponseIsReportedWithoutItsBody(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion ->
                new CannedResponse(200, "{\"acces_token\":\"misspelt-secret-token\",\"token_type\":\"bearer\"}"));

        assertThatThrownBy(source::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining("HTTP 200 but not with a usable token response: the body has no access_token")
                .hasMessageNotContaining("misspelt-secret-token");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aTokenThatIsNotABearerTokenIsRefused(SigningAlgorithm algorithm) throws Exception {
        AccessTokenSource source = startedSource(algorithm);
        server.respondWith(assertion -> new CannedResponse(
                200, "{\"access_token\":\"dpop-bound-token\",\"token_type\":\"DPoP\",\"expires_in\":300}"));

        assertThatThrownBy(source::bearerToken)
                .hasMessageContaining("token of type 'DPoP'")
                .hasMessageNotContaining("dpop-bound-token");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void neverLogsTheTokenTheAssertionOrTheKey(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = startServer(algorithm);
        try (CapturedLogs logs = new CapturedLogs()) {
            AccessTokenSource source = source(settings(algorithm, keys, Optional.empty()));
            source.bearerToken();
            source.invalidate();
            source.bearerToken();
            // A failed refresh while the old token is still valid is logged as a warning.
            clock.advance(Duration.ofSeconds(250));
            server.respondWith(assertion -> new CannedResponse(
                    400, "{\"error\":\"invalid_client\",\"error_description\":\"bad " + assertion + "\"}"));
            source.bearerToken();

            assertThat(logs.all())
                    .contains("Obtained access token")
                    .contains("Could not refresh access token")
                    .contains("Discovered SMART token endpoint");
            for (String secret : secretsSeen(keys)) {
                assertThat(logs.all()).doesNotContain(secret);
            }
            assertThat(source.toString()).doesNotContain(secretsSeen(keys));
        }
    }

    private List<String> secretsSeen(KeyPair keys) {
        List<String> secrets = new ArrayList<>();
        secrets.addAll(server.issuedTokens());
        secrets.addAll(server.receivedAssertions());
        secrets.add(TestKeys.pemBody(keys.getPrivate()));
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(5);
        return secrets;
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void discoversTheTokenEndpointOnceWhenNoneIsConfigured(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = startServer(algorithm);
        AccessTokenSource source = source(settings(algorithm, keys, Optional.empty()));
        assertThat(server.configurationRequests())
                .as("nothing is asked before the first token is needed")
                .isZero();

        String first = source.bearerToken().orElseThrow();
        source.invalidate();
        source.bearerToken();

        assertThat(first).isEqualTo(server.issuedTokens().get(0));
        assertThat(server.rejections())
                .as("aud must be the discovered endpoint")
                .isEmpty();
        assertThat(server.configurationRequests()).isEqualTo(1);
        assertThat(server.tokenRequests()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void readsThePrivateKeyFromAFile(SigningAlgorithm algorithm, @TempDir Path dir) throws Exception {
        KeyPair keys = startServer(algorithm);
        Path keyFile = Files.writeString(dir.resolve("client-key.pem"), TestKeys.pkcs8Pem(keys.getPrivate()));
        AuthSettings.Smart fromFile = new AuthSettings.Smart(
                Optional.of(server.tokenUrl()),
                CLIENT_ID,
                KEY_ID,
                Optional.empty(),
                Optional.of(keyFile),
                algorithm,
                SCOPE);

        Optional<String> token = source(fromFile).bearerToken();

        assertThat(server.rejections()).isEmpty();
        assertThat(token).contains(server.issuedTokens().get(0));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void anAssertionSignedWithAnotherKeyIsRefusedByTheServer(SigningAlgorithm algorithm) throws Exception {
        // Guards the fake server itself: it must really verify signatures for the tests above to mean anything.
        startServer(algorithm);
        KeyPair otherKeys =
                algorithm == SigningAlgorithm.RS384 ? TestKeys.generateRsa(2048) : TestKeys.generateEc("secp384r1");
        AccessTokenSource source = source(settings(algorithm, otherKeys, Optional.of(server.tokenUrl())));

        assertThatThrownBy(source::bearerToken).hasMessageContaining("invalid_client (signature does not verify)");
        assertThat(server.issuedTokens()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void anUnreachableEndpointIsNamed(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = TestKeys.forAlgorithm(algorithm);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/token");
        AccessTokenSource source = AccessTokenSources.create(
                settings(algorithm, keys, Optional.of(nowhere)), "http://127.0.0.1:" + closedPort + "/fhir", options());

        assertThatThrownBy(source::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining("SMART token endpoint " + nowhere + " could not be reached");
    }

    private String onlyAssertion() {
        assertThat(server.receivedAssertions()).hasSize(1);
        String assertion = server.receivedAssertions().get(0);
        assertThat(assertion).contains(".");
        return assertion;
    }
}
