package io.fhirpipe.testsupport.fhir;

import io.fhirpipe.testsupport.fixture.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A response the {@link RecordedBulkDataServer} sends: built from a recorded fixture pair
 * ({@code <label>.headers} + {@code <label>.body}) or by hand.
 *
 * @param status                 the HTTP status code
 * @param headers                response headers in order (Content-Length, Transfer-Encoding,
 *                               Connection and Date are left to the server)
 * @param body                   the body bytes, empty for none
 * @param rewriteRecordedBaseUrl whether the recorded server's base URLs ({@link #RECORDED_BASE_URLS})
 *                               in headers and body are replaced by the serving server's base URL;
 *                               true for fixtures
 * @param delay                  how long the server waits before answering
 */
public record RecordedResponse(
        int status, List<HttpHeader> headers, byte[] body, boolean rewriteRecordedBaseUrl, Duration delay) {

    /** The base URLs of the HAPI servers the fixtures were recorded from. */
    public static final List<String> RECORDED_BASE_URLS =
            List.of("http://127.0.0.1:8080/fhir", "http://127.0.0.1:8090/fhir");

    public static final String FHIR_JSON = "application/fhir+json;charset=UTF-8";

    // Framing and per-connection headers describe the recorded exchange, not this one.
    private static final Set<String> NOT_REPLAYED =
            Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "date");

    public RecordedResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        headers = List.copyOf(headers);
        body = body.clone();
        Objects.requireNonNull(delay, "delay");
    }

    /**
     * The recorded response {@code <label>.headers} (status line and headers) with the body from
     * {@code <label>.body}, or {@code <label>.json} (the manifests), or none if neither exists;
     * e.g. {@code fixture("23-bad-type.kickoff")}. Recorded base URLs are rewritten when served.
     */
    public static RecordedResponse fixture(String label) {
        String headersFile = label + ".headers";
        String text = new String(Fixtures.bulkDataBytes(headersFile), StandardCharsets.ISO_8859_1);
        byte[] body = new byte[0];
        for (String bodyFile : List.of(label + ".body", label + ".json")) {
            if (Fixtures.hasBulkData(bodyFile)) {
                body = Fixtures.bulkDataBytes(bodyFile);
                break;
            }
        }
        return parse(headersFile, text, body);
    }

    /**
     * A recorded body that has no headers file (the {@code 04-binary-*} downloads), served with
     * this status and content type. Recorded base URLs are rewritten when served.
     */
    public static RecordedResponse fixtureBody(String fileName, int status, String contentType) {
        return new RecordedResponse(
                status,
                List.of(new HttpHeader("Content-Type", contentType)),
                Fixtures.bulkDataBytes(fileName),
                true,
                Duration.ZERO);
    }

    /** A hand-built response with no headers and no body. */
    public static RecordedResponse of(int status) {
        return new RecordedResponse(status, List.of(), new byte[0], false, Duration.ZERO);
    }

    /** A hand-built FHIR JSON response. */
    public static RecordedResponse json(int status, String body) {
        return of(status).withHeader("Content-Type", FHIR_JSON).withBody(body);
    }

    /** A hand-built OperationOutcome with one error issue, as HAPI answers failures. */
    public static RecordedResponse operationOutcome(int status, String code, String diagnostics) {
        return json(
                status,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
                        + jsonEscape(code) + "\",\"diagnostics\":\"" + jsonEscape(diagnostics) + "\"}]}");
    }

    public RecordedResponse withHeader(String name, String value) {
        List<HttpHeader> more = new ArrayList<>(headers);
        more.add(new HttpHeader(name, value));
        return new RecordedResponse(status, more, body, rewriteRecordedBaseUrl, delay);
    }

    /** Replaces every header of this name (case-insensitive) by one with {@code value}. */
    public RecordedResponse replacingHeader(String name, String value) {
        List<HttpHeader> others = new ArrayList<>(
                headers.stream().filter(h -> !h.name().equalsIgnoreCase(name)).toList());
        others.add(new HttpHeader(name, value));
        return new RecordedResponse(status, others, body, rewriteRecordedBaseUrl, delay);
    }

    public RecordedResponse withBody(String text) {
        return withBody(text.getBytes(StandardCharsets.UTF_8));
    }

    /** This body with this Content-Type (replacing any earlier Content-Type). */
    public RecordedResponse withBody(String contentType, String text) {
        return replacingHeader("Content-Type", contentType).withBody(text);
    }

    public RecordedResponse withBody(byte[] bytes) {
        return new RecordedResponse(status, headers, bytes, rewriteRecordedBaseUrl, delay);
    }

    public RecordedResponse withStatus(int newStatus) {
        return new RecordedResponse(newStatus, headers, body, rewriteRecordedBaseUrl, delay);
    }

    /** Also rewrite recorded base URLs in a hand-built response. */
    public RecordedResponse rewritingRecordedBaseUrl() {
        return new RecordedResponse(status, headers, body, true, delay);
    }

    /** Answer only after {@code wait}, e.g. to trip a client's read timeout. */
    public RecordedResponse delayedBy(Duration wait) {
        return new RecordedResponse(status, headers, body, rewriteRecordedBaseUrl, wait);
    }

    /** The first header of this name (case-insensitive). */
    public Optional<String> header(String name) {
        return headers.stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(HttpHeader::value)
                .findFirst();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as text, decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** This response as served from {@code baseUrl}: recorded base URLs replaced if so marked. */
    RecordedResponse servedFrom(String baseUrl) {
        if (!rewriteRecordedBaseUrl) {
            return this;
        }
        List<HttpHeader> rewritten = headers.stream()
                .map(h -> new HttpHeader(h.name(), rewrite(h.value(), baseUrl)))
                .toList();
        // ISO-8859-1 maps every byte to one char and back, so bytes other than the URLs survive
        // untouched whatever the body's real encoding.
        byte[] rewrittenBody =
                rewrite(new String(body, StandardCharsets.ISO_8859_1), baseUrl).getBytes(StandardCharsets.ISO_8859_1);
        return new RecordedResponse(status, rewritten, rewrittenBody, false, delay);
    }

    static String rewrite(String text, String baseUrl) {
        String result = text;
        for (String recorded : RECORDED_BASE_URLS) {
            result = result.replace(recorded, baseUrl);
        }
        return result;
    }

    private static RecordedResponse parse(String source, String text, byte[] body) {
        List<String> lines = Arrays.asList(text.split("\r?\n"));
        if (lines.isEmpty() || !lines.get(0).startsWith("HTTP/")) {
            throw new IllegalArgumentException(source + " does not start with an HTTP status line");
        }
        String[] statusLine = lines.get(0).trim().split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    source + ": no status code in '" + lines.get(0).trim() + "'", e);
        }
        List<HttpHeader> headers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(source + ": not a header line: '" + line + "'");
            }
            String name = line.substring(0, colon).trim();
            if (!NOT_REPLAYED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.add(new HttpHeader(name, line.substring(colon + 1).trim()));
            }
        }
        return new RecordedResponse(status, headers, body, true, Duration.ZERO);
    }

    private static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
