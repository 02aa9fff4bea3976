package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmartConfigurationDiscoveryTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir/.well-known/smart-configuration", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SmartConfigurationDiscovery discovery() {
        return new SmartConfigurationDiscovery(
                HttpClient.newHttpClient(),
                "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir/",
                Duration.ofSeconds(5));
    }

    @Test
    void findsTheTokenEndpointAndKeepsIt() {
        body.set(
                "{\"token_endpoint\":\"https://auth.example.org/token\",\"grant_types_supported\":[\"client_credentials\"]}");
        SmartConfigurationDiscovery discovery = discovery();

        assertThat(discovery.get()).isEqualTo(URI.create("https://auth.example.org/token"));
        assertThat(discovery.get()).isEqualTo(URI.create("https://auth.example.org/token"));
        assertThat(requests).hasValue(1);
    }

    @Test
    void aFailureIsNotKeptSoTheNextCallAsksAgain() {
        status.set(503);
        body.set("down");
        SmartConfigurationDiscovery discovery = discovery();
        assertThatThrownBy(discovery::get)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining(discovery.configurationUrl().toString())
                .hasMessageContaining("HTTP 503");

        status.set(200);
        body.set("{\"token_endpoint\":\"https://auth.example.org/token\"}");

        assertThat(discovery.get()).isEqualTo(URI.create("https://auth.example.org/token"));
        assertThat(requests).hasValue(2);
    }

    @Test
    void aDocumentWithoutTokenEndpointIsNamed() {
        body.set("{\"authorization_endpoint\":\"https://auth.example.org/authorize\"}");

        assertThatThrownBy(discovery()::get).hasMessageContaining("names no token_endpoint");
    }

    @Test
    void aRelativeTokenEndpointIsRefused() {
        body.set("{\"token_endpoint\":\"/token\"}");

        assertThatThrownBy(discovery()::get).hasMessageContaining("invalid token_endpoint");
    }

    @Test
    void theConfigurationUrlSitsUnderTheBaseUrl() {
        assertThat(SmartConfigurationDiscovery.configurationUrlFor("https://fhir.example.org/R4/"))
                .isEqualTo(URI.create("https://fhir.example.org/R4/.well-known/smart-configuration"));
    }
}
