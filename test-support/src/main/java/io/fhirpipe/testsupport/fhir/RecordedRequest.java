package io.fhirpipe.testsupport.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request the {@link RecordedBulkDataServer} received, exactly as sent: the path and query are
 * raw (not decoded), so a test can see whether a client encoded {@code +} in {@code _since}.
 *
 * @param method     the HTTP method, upper case
 * @param path       the raw path, including the {@code /fhir} base path
 * @param rawQuery   the raw query string without {@code ?}, or null if there was none
 * @param headers    the request headers, names case-insensitive
 * @param body       the body bytes, empty for none
 * @param receivedAt when the server had read the request
 */
public record RecordedRequest(
        String method,
        String path,
        String rawQuery,
        Map<String, List<String>> headers,
        byte[] body,
        Instant receivedAt) {

    public RecordedRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Path and query as on the request line, e.g. {@code /fhir/$export?_type=Patient}. */
    public String target() {
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    /** The first value of a header (case-insensitive name). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // Header values may carry bearer tokens: name the headers, never print their values.
        return "RecordedRequest[" + method + " " + target() + ", headers=" + headers.keySet() + ", body=" + body.length
                + " bytes]";
    }
}
