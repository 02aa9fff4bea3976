package io.fhirpipe.exportpoller;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The poller's real components (see {@link PipelineTestStack}), with short poll delays. */
public class PollerTestStack implements QuarkusTestResourceLifecycleManager {

    static PipelineTestStack stack;
    public static EmbeddedArtemis broker;
    public static RecordedBulkDataServer fhir;
    public static AmqpTestClient amqp;

    @Override
    public Map<String, String> start() {
        stack = PipelineTestStack.start(true);
        broker = stack.broker();
        fhir = stack.fhir().orElseThrow();
        amqp = stack.amqp();
        Map<String, String> config = stack.config();
        config.put("fhirpipe.servers.hapi.request-timeout", "3s");
        config.put("fhirpipe.poll.min-delay", "200ms");
        config.put("fhirpipe.poll.max-delay", "2s");
        config.put("fhirpipe.poll.deadline", "1h");
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
