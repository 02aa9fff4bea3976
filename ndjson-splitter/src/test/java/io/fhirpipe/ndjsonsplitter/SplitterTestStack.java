package io.fhirpipe.ndjsonsplitter;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/** Embedded Artemis with the deployment topology and Azurite, started once; small chunk limits. */
public class SplitterTestStack implements QuarkusTestResourceLifecycleManager {

    public static final int MAX_LINES = 7;
    public static final int MAX_BYTES = 2048;

    public static EmbeddedArtemis broker;
    public static Azurite azurite;
    public static AmqpTestClient amqp;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedArtemis.start();
        azurite = Azurite.start();
        amqp = AmqpTestClient.connect(broker);
        Map<String, String> config = new HashMap<>();
        config.put("amqp-host", broker.host());
        config.put("amqp-port", Integer.toString(broker.amqpPort()));
        config.put("fhirpipe.storage.connection-string", azurite.connectionString());
        config.put("fhirpipe.splitter.max-lines", Integer.toString(MAX_LINES));
        config.put("fhirpipe.splitter.max-bytes", Integer.toString(MAX_BYTES));
        config.put("fhirpipe.splitter.block-size", "1024");
        return config;
    }

    @Override
    public void stop() {
        if (amqp != null) {
            amqp.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
