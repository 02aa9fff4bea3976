package io.fhirpipe.ndjsonsplitter;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** The splitter's real components (see {@link PipelineTestStack}), with small chunk limits. */
public class SplitterTestStack implements QuarkusTestResourceLifecycleManager {

    public static final int MAX_LINES = 7;
    public static final int MAX_BYTES = 2048;

    static PipelineTestStack stack;
    public static EmbeddedArtemis broker;
    public static Azurite azurite;
    public static AmqpTestClient amqp;

    @Override
    public Map<String, String> start() {
        stack = PipelineTestStack.start(false);
        broker = stack.broker();
        azurite = stack.azurite();
        amqp = stack.amqp();
        Map<String, String> config = stack.config();
        config.put("fhirpipe.splitter.max-lines", Integer.toString(MAX_LINES));
        config.put("fhirpipe.splitter.max-bytes", Integer.toString(MAX_BYTES));
        config.put("fhirpipe.splitter.block-size", "1024");
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
