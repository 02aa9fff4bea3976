package io.fhirpipe.testsupport.quarkus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's operating endpoints as the tests read them: readiness ({@code /q/health/ready},
 * waited for until it says what is expected) and one value of the Prometheus scrape
 * ({@code /q/metrics}).
 */
public final class ServiceProbes {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)(?: [^\\n]*)?$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String baseUrl;

    /** @param baseUrl the service's root, e.g. {@code http://localhost:8081} */
    public ServiceProbes(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public record Answer(int status, String body) {}

    public Answer get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code path} until its answer matches; fails with the last answer after {@code timeout}. */
    public Answer await(String path, Predicate<Answer> expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Answer last = get(path);
        while (!expected.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "after " + timeout + ", " + path + " still answers " + last.status() + ": " + last.body());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = get(path);
        }
        return last;
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there is none. */
    public double metric(String name, Map<String, String> labels) {
        return metric(get("/q/metrics").body(), name, labels);
    }

    /** Polls the scrape until {@link #metric} of {@code name} matches; fails with the last value after {@code timeout}. */
    public double awaitMetric(
            String name, Map<String, String> labels, java.util.function.DoublePredicate expected, Duration timeout) {
        Answer answer = await("/q/metrics", a -> expected.test(metric(a.body(), name, labels)), timeout);
        return metric(answer.body(), name, labels);
    }

    public static double metric(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            if (!sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    found.put(label.group(1), label.group(2));
                }
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                sum += Double.parseDouble(sample.group(4));
            }
        }
        return sum;
    }
}
