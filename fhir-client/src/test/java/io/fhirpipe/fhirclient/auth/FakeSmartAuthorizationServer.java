package io.fhirpipe.fhirclient.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A SMART authorization server on 127.0.0.1 that checks token requests the way a real one must:
 * the form parameters, the assertion's signature against the client's registered public key, and
 * its header and claims, including that no {@code jti} is used twice. A request that fails a check
 * gets 400 {@code invalid_client} and the reason is kept in {@link #rejections()}.
 *
 * <p>It also serves {@code /fhir/.well-known/smart-configuration} naming its token endpoint.
 */
final class FakeSmartAuthorizationServer implements AutoCloseable {

    record CannedResponse(int status, String body) {}

    static final String CLIENT_ID = "fhirpipe-test-client";
    static final String KEY_ID = "test-key-1";
    static final String SCOPE = "system/*.read";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

    private final HttpServer server;
    private final SigningAlgorithm expectedAlgorithm;
    private final JWSVerifier verifier;
    private final Clock clock;
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger configurationRequests = new AtomicInteger();
    private final Set<String> seenJtis = Collections.synchronizedSet(new HashSet<>());
    private final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    private final List<String> receivedAssertions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> issuedTokens = Collections.synchronizedList(new ArrayList<>());
    private volatile long expiresInSeconds = 300;
    private volatile Function<String, CannedResponse> cannedResponse;

    FakeSmartAuthorizationServer(SigningAlgorithm expectedAlgorithm, PublicKey clientPublicKey, Clock clock)
            throws Exception {
        this.expectedAlgorithm = expectedAlgorithm;
        this.verifier = clientPublicKey instanceof RSAPublicKey rsa
                ? new RSASSAVerifier(rsa)
                : new ECDSAVerifier((ECPublicKey) clientPublicKey);
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::handleTokenRequest);
        server.createContext("/fhir/.well-known/smart-configuration", this::handleConfigurationRequest);
        server.start();
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    String fhirBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir/";
    }

    void setExpiresInSeconds(long seconds) {
        expiresInSeconds = seconds;
    }

    /** From now on, answer every token request with this, computed from the request's assertion. */
    void respondWith(Function<String, CannedResponse> response) {
        cannedResponse = response;
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    int configurationRequests() {
        return configurationRequests.get();
    }

    List<String> rejections() {
        return List.copyOf(rejections);
    }

    List<String> receivedAssertions() {
        return List.copyOf(receivedAssertions);
    }

    List<String> issuedTokens() {
        return List.copyOf(issuedTokens);
    }

    private void handleTokenRequest(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form =
                parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String assertion = form.getOrDefault("client_assertion", "");
        receivedAssertions.add(assertion);
        Function<String, CannedResponse> canned = cannedResponse;
        if (canned != null) {
            CannedResponse response = canned.apply(assertion);
            respond(exchange, response.status(), response.body());
            return;
        }
        String problem = checkRequest(exchange, form);
        if (problem != null) {
            rejections.add(problem);
            respond(
                    exchange,
                    400,
                    JSON.writeValueAsString(Map.of("error", "invalid_client", "error_description", problem)));
            return;
        }
        String token = "access-token-" + issuedTokens.size() + "-" + UUID.randomUUID();
        issuedTokens.add(token);
        respond(
                exchange,
                200,
                JSON.writeValueAsString(Map.of(
                        "access_token",
                        token,
                        "token_type",
                        "bearer",
                        "expires_in",
                        expiresInSeconds,
                        "scope",
                        form.get("scope"))));
    }

    /** The first thing wrong with the request, or null when a real server would issue a token. */
    private String checkRequest(HttpExchange exchange, Map<String, String> form) {
        if (!exchange.getRequestMethod().equals("POST")) {
            return "method " + exchange.getRequestMethod();
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return "content type " + contentType;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return "grant_type " + form.get("grant_type");
        }
        if (!SCOPE.equals(form.get("scope"))) {
            return "scope " + form.get("scope");
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return "client_assertion_type " + form.get("client_assertion_type");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
            if (!jwt.getHeader().getAlgorithm().equals(expectedAlgorithm.jwsAlgorithm())) {
                return "alg " + jwt.getHeader().getAlgorithm();
            }
            if (!KEY_ID.equals(jwt.getHeader().getKeyID())) {
                return "kid " + jwt.getHeader().getKeyID();
            }
            if (!JOSEObjectType.JWT.equals(jwt.getHeader().getType())) {
                return "typ " + jwt.getHeader().getType();
            }
            if (!jwt.verify(verifier)) {
                return "signature does not verify";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!CLIENT_ID.equals(claims.getIssuer())) {
                return "iss " + claims.getIssuer();
            }
            if (!CLIENT_ID.equals(claims.getSubject())) {
                return "sub " + claims.getSubject();
            }
            if (!List.of(tokenUrl().toString()).equals(claims.getAudience())) {
                return "aud " + claims.getAudience();
            }
            Instant now = clock.instant();
            if (claims.getExpirationTime() == null) {
                return "no exp";
            }
            Instant exp = claims.getExpirationTime().toInstant();
            if (!exp.isAfter(now) || exp.isAfter(now.plus(MAX_ASSERTION_LIFETIME))) {
                return "exp " + exp + " not within five minutes of " + now;
            }
            String jti = claims.getJWTID();
            if (jti == null || jti.isBlank()) {
                return "no jti";
            }
            if (!seenJtis.add(jti)) {
                return "jti " + jti + " replayed";
            }
            return null;
        } catch (Exception e) {
            return "unparseable assertion: " + e.getMessage();
        }
    }

    private void handleConfigurationRequest(HttpExchange exchange) throws IOException {
        configurationRequests.incrementAndGet();
        respond(
                exchange,
                200,
                JSON.writeValueAsString(Map.of(
                        "token_endpoint", tokenUrl().toString(),
                        "token_endpoint_auth_methods_supported", List.of("private_key_jwt"),
                        "capabilities", List.of("client-confidential-asymmetric"))));
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
