package io.fhirpipe.fhirclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A successful OAuth 2.0 token response ({@code access_token}, {@code token_type},
 * {@code expires_in}, {@code scope}) from a SMART token endpoint.
 */
record SmartTokenResponse(String accessToken, String tokenType, Optional<Duration> expiresIn, Optional<String> scope) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SmartTokenResponse {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(expiresIn, "expiresIn");
        Objects.requireNonNull(scope, "scope");
    }

    /**
     * @throws IllegalArgumentException naming what is missing or malformed. Never with the body or a
     *     parser message in it: the body holds the access token.
     */
    public static SmartTokenResponse parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        JsonNode accessToken = root.get("access_token");
        if (accessToken == null
                || !accessToken.isTextual()
                || accessToken.asText().isEmpty()) {
            throw new IllegalArgumentException("the body has no access_token");
        }
        JsonNode tokenType = root.get("token_type");
        if (tokenType == null || !tokenType.isTextual()) {
            throw new IllegalArgumentException("the body has no token_type");
        }
        return new SmartTokenResponse(
                accessToken.asText(), tokenType.asText(), expiresIn(root.get("expires_in")), text(root.get("scope")));
    }

    private static Optional<Duration> expiresIn(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        // Some servers send the number as a string.
        if (node.isIntegralNumber()
                || (node.isTextual() && node.asText().strip().matches("\\d+"))) {
            return Optional.of(Duration.ofSeconds(node.asLong()));
        }
        throw new IllegalArgumentException("expires_in is not a whole number of seconds");
    }

    private static Optional<String> text(JsonNode node) {
        return node == null || !node.isTextual() ? Optional.empty() : Optional.of(node.asText());
    }

    public boolean isBearer() {
        return "bearer".equalsIgnoreCase(tokenType);
    }

    @Override
    public String toString() {
        return "SmartTokenResponse[accessToken=" + Redaction.REDACTED + ", tokenType=" + tokenType + ", expiresIn="
                + expiresIn.map(Duration::toString).orElse("<absent>") + ", scope=" + scope.orElse("<absent>") + "]";
    }
}
