package io.fhirpipe.fhirclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** The {@code error} and optional {@code error_description} of an OAuth 2.0 error response (RFC 6749 §5.2). */
record OAuthErrorResponse(String error, Optional<String> description) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Empty when the body is not an OAuth error response, e.g. a proxy's HTML error page. */
    public static Optional<OAuthErrorResponse> parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject() || !root.path("error").isTextual()) {
            return Optional.empty();
        }
        JsonNode description = root.get("error_description");
        return Optional.of(new OAuthErrorResponse(
                root.get("error").asText(),
                description != null && description.isTextual() ? Optional.of(description.asText()) : Optional.empty()));
    }

    /** {@code error} followed by the description in parentheses, as it reads best in a message. */
    public String summary() {
        return description.map(d -> error + " (" + d + ")").orElse(error);
    }
}
