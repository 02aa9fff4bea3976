package io.fhirpipe.fhirclient.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Finds a FHIR server's token endpoint in its {@code .well-known/smart-configuration} document. It
 * asks on first use, not on construction, so a service can start while the FHIR server is down;
 * the answer is kept, a failure is not.
 */
final class SmartConfigurationDiscovery implements Supplier<URI> {

    private static final Logger LOG = Logger.getLogger(SmartConfigurationDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient httpClient;
    private final URI configurationUrl;
    private final Duration requestTimeout;
    private volatile URI discovered;

    public SmartConfigurationDiscovery(HttpClient httpClient, String fhirBaseUrl, Duration requestTimeout) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.configurationUrl = configurationUrlFor(fhirBaseUrl);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    public static URI configurationUrlFor(String fhirBaseUrl) {
        return URI.create(FhirBaseUrls.withoutTrailingSlash(fhirBaseUrl) + "/.well-known/smart-configuration");
    }

    public URI configurationUrl() {
        return configurationUrl;
    }

    /** @throws AccessTokenException when the document cannot be had or names no token endpoint */
    @Override
    public URI get() {
        URI known = discovered;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (discovered == null) {
                discovered = discover();
                LOG.infof("Discovered SMART token endpoint %s from %s", discovered, configurationUrl);
            }
            return discovered;
        }
    }

    private URI discover() {
        HttpRequest request = HttpRequest.newBuilder(configurationUrl)
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AccessTokenException(
                    "SMART configuration " + configurationUrl + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessTokenException("interrupted while reading SMART configuration " + configurationUrl, e);
        }
        if (response.statusCode() != 200) {
            throw new AccessTokenException("SMART configuration " + configurationUrl + " answered HTTP "
                    + response.statusCode() + "; configure the token endpoint URL instead");
        }
        return tokenEndpointIn(response.body());
    }

    private URI tokenEndpointIn(String body) {
        JsonNode endpoint;
        try {
            endpoint = JSON.readTree(body).path("token_endpoint");
        } catch (IOException e) {
            throw new AccessTokenException("SMART configuration " + configurationUrl + " is not JSON", e);
        }
        if (!endpoint.isTextual()) {
            throw new AccessTokenException("SMART configuration " + configurationUrl + " names no token_endpoint");
        }
        try {
            URI uri = new URI(endpoint.asText());
            if (!uri.isAbsolute()) {
                throw new URISyntaxException(endpoint.asText(), "not an absolute URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new AccessTokenException(
                    "SMART configuration " + configurationUrl + " has an invalid token_endpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SmartConfigurationDiscovery[" + configurationUrl + "]";
    }
}
