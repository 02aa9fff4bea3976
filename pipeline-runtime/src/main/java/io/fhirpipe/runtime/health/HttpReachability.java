package io.fhirpipe.runtime.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A FHIR server is reachable when its {@code metadata} endpoint gives any HTTP answer within the
 * timeout (a 401 or 500 still proves the network path and the server process); a refused
 * connection, an unknown host or a timeout is unreachable. Unauthenticated on purpose: the probe
 * must not spend tokens, and the capability statement is public on Bulk Data servers.
 */
final class HttpReachability implements Supplier<Probe> {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final String name;
    private final URI metadata;
    private final Duration timeout;

    public HttpReachability(String name, String baseUrl, Duration timeout) {
        this.name = name;
        this.metadata = URI.create(baseUrl.endsWith("/") ? baseUrl + "metadata" : baseUrl + "/metadata");
        this.timeout = timeout;
    }

    @Override
    public Probe get() {
        String where = "FHIR server '" + name + "' at " + Unreachable.hostAndPort(metadata.toString());
        try {
            HttpResponse<Void> answer = CLIENT.send(
                    HttpRequest.newBuilder(metadata)
                            .timeout(timeout)
                            .header("Accept", "application/fhir+json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return Probe.up(where + " answered HTTP " + answer.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.down(where + " was not asked (interrupted)");
        } catch (java.io.IOException | RuntimeException e) {
            return Probe.down(where + " " + Unreachable.why(e, timeout));
        }
    }
}
