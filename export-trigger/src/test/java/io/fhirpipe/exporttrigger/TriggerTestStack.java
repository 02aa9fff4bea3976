package io.fhirpipe.exporttrigger;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The real components the trigger talks to, started once for the test run: an embedded Artemis
 * with the deployment topology, Azurite, and a Bulk Data server replaying recorded HAPI responses.
 * A second FHIR server name points at a port nobody listens on (connection refused).
 */
public class TriggerTestStack implements QuarkusTestResourceLifecycleManager {

    public static EmbeddedArtemis broker;
    static Azurite azurite;
    public static RecordedBulkDataServer fhir;
    /** Posts messages by hand and reads what the trigger published. */
    public static AmqpTestClient amqp;
    public static final String SECURED_TOKEN = "test-token-4b1d";

    @Override
    public Map<String, String> start() {
        broker = EmbeddedArtemis.start();
        azurite = Azurite.start();
        fhir = RecordedBulkDataServer.start();
        amqp = AmqpTestClient.connect(broker);
        Map<String, String> config = new HashMap<>();
        config.put("amqp-host", broker.host());
        config.put("amqp-port", Integer.toString(broker.amqpPort()));
        config.put("fhirpipe.storage.connection-string", azurite.connectionString());
        config.put("fhirpipe.servers.hapi.base-url", fhir.baseUrl());
        config.put("fhirpipe.servers.secured.base-url", fhir.baseUrl());
        config.put("fhirpipe.servers.secured.auth.type", "bearer");
        config.put("fhirpipe.servers.secured.auth.token", SECURED_TOKEN);
        config.put("fhirpipe.servers.down.base-url", "http://127.0.0.1:" + closedPort() + "/fhir");
        config.put("fhirpipe.servers.down.request-timeout", "2s");
        config.put("fhirpipe.kickoff.min-retry-delay", "200ms");
        config.put("fhirpipe.kickoff.max-retry-delay", "3s");
        config.put("fhirpipe.kickoff.max-attempts", "3");
        return config;
    }

    @Override
    public void stop() {
        if (amqp != null) {
            amqp.close();
        }
        if (fhir != null) {
            fhir.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    public static String azuriteConnectionString() {
        return azurite.connectionString();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
