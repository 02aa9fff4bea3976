package io.fhirpipe.exportpoller;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/** Embedded Artemis, Azurite and a Bulk Data server replaying recorded HAPI responses. */
public class PollerTestStack implements QuarkusTestResourceLifecycleManager {

    public static EmbeddedArtemis broker;
    static Azurite azurite;
    public static RecordedBulkDataServer fhir;
    public static AmqpTestClient amqp;

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
        config.put("fhirpipe.servers.hapi.request-timeout", "3s");
        config.put("fhirpipe.servers.down.base-url", "http://127.0.0.1:" + closedPort() + "/fhir");
        config.put("fhirpipe.servers.down.request-timeout", "2s");
        config.put("fhirpipe.poll.min-delay", "200ms");
        config.put("fhirpipe.poll.max-delay", "2s");
        config.put("fhirpipe.poll.deadline", "1h");
        return config;
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
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
}
