package io.fhirpipe.synapseloader;

import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The loader's real components (see {@link PipelineTestStack}) and a fresh DuckDB file. */
public class LoaderTestStack implements QuarkusTestResourceLifecycleManager {

    static PipelineTestStack stack;
    public static EmbeddedArtemis broker;
    public static Azurite azurite;
    public static AmqpTestClient amqp;
    public static Path directory;

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("loader-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stack = PipelineTestStack.start(false);
        broker = stack.broker();
        azurite = stack.azurite();
        amqp = stack.amqp();
        Map<String, String> config = stack.config();
        config.put("fhirpipe.loader.dialect", "duckdb");
        config.put(
                "fhirpipe.loader.duckdb.path",
                directory.resolve("warehouse.duckdb").toString());
        config.put("fhirpipe.loader.work-directory", directory.resolve("work").toString());
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
