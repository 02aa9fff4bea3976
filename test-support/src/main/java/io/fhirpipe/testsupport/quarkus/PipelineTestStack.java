package io.fhirpipe.testsupport.quarkus;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.storage.Azurite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The real components a service test runs against: embedded Artemis with the deployment topology,
 * Azurite, a test AMQP client, and optionally a Bulk Data server replaying recorded HAPI answers
 * (configured as FHIR server {@code hapi}, with {@code down} pointing at a port nobody listens on).
 * A service's {@code QuarkusTestResourceLifecycleManager} starts one, adds its own settings to
 * {@link #config()}, and closes it.
 */
public final class PipelineTestStack implements AutoCloseable {

    private final EmbeddedArtemis broker;
    private final Azurite azurite;
    private final AmqpTestClient amqp;
    private final RecordedBulkDataServer fhir;

    private PipelineTestStack(
            EmbeddedArtemis broker, Azurite azurite, AmqpTestClient amqp, RecordedBulkDataServer fhir) {
        this.broker = broker;
        this.azurite = azurite;
        this.amqp = amqp;
        this.fhir = fhir;
    }

    public static PipelineTestStack start(boolean withFhirServer) {
        EmbeddedArtemis broker = EmbeddedArtemis.start();
        Azurite azurite = Azurite.start();
        return new PipelineTestStack(
                broker,
                azurite,
                AmqpTestClient.connect(broker),
                withFhirServer ? RecordedBulkDataServer.start() : null);
    }

    public EmbeddedArtemis broker() {
        return broker;
    }

    public Azurite azurite() {
        return azurite;
    }

    public AmqpTestClient amqp() {
        return amqp;
    }

    public Optional<RecordedBulkDataServer> fhir() {
        return Optional.ofNullable(fhir);
    }

    /** The broker, storage and FHIR server settings every service reads. */
    public Map<String, String> config() {
        // host, port and the broker's user: it refuses anonymous connections
        Map<String, String> config = new HashMap<>(broker.connectorConfig());
        config.put("fhirpipe.storage.connection-string", azurite.connectionString());
        if (fhir != null) {
            config.put("fhirpipe.servers.hapi.base-url", fhir.baseUrl());
            config.put("fhirpipe.servers.down.base-url", "http://127.0.0.1:" + closedPort() + "/fhir");
            config.put("fhirpipe.servers.down.request-timeout", "2s");
        }
        return config;
    }

    @Override
    public void close() {
        amqp.close();
        if (fhir != null) {
            fhir.close();
        }
        azurite.close();
        broker.close();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
