package io.fhirpipe.synapseloader.health;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness follows the loader's dependencies: each is stopped for real and started again, and
 * /q/health/ready goes DOWN with the reason and UP again. Its own stack (the app restarts for this
 * class), as stopping storage or the broker would disturb the other tests.
 */
@QuarkusTest
@QuarkusTestResource(value = LoaderReadinessTest.Stack.class, restrictToAnnotatedClass = true)
class LoaderReadinessTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URL root;

    @Test
    void readinessGoesDownWhileStorageIsStoppedAndUpWhenItIsBack() {
        ServiceProbes service = new ServiceProbes(root.toString());
        String ready = service.await("/q/health/ready", a -> a.status() == 200, WAIT).body();
        assertThat(ready).contains("\"storage\"").contains("\"warehouse\"")
                .contains("warehouse (duckdb) answers SELECT 1");

        int port = Stack.azurite.blobPort();
        Stack.azurite.stop();
        String down = service.await("/q/health/ready", a -> a.status() == 503 && a.body().contains(
                "storage at 127.0.0.1:" + port + " refused the connection"), WAIT).body();
        assertThat(down).doesNotContain("AccountKey").doesNotContain(Azurite.ACCOUNT_NAME + ";");

        Stack.azurite = Azurite.builder().blobPort(port).start();
        // in memory: the restarted Azurite has no containers until they are made again
        BlobStorageClients.ensureContainers(Stack.azurite.blobServiceClient());
        service.await("/q/health/ready", a -> a.status() == 200, WAIT);
    }

    @Test
    void readinessGoesDownWhileTheBrokerIsStoppedAndUpWhenItIsBack() throws Exception {
        ServiceProbes service = new ServiceProbes(root.toString());
        service.await("/q/health/ready", a -> a.status() == 200, WAIT);

        int port = Stack.broker.amqpPort();
        Stack.broker.close();
        String down = service.await("/q/health/ready", a -> a.status() == 503, WAIT).body();
        // SmallRye Reactive Messaging's own check, per channel
        assertThat(down).containsPattern("\"chunk-ready\":\\s*\"\\[KO]\"");

        // a new broker on the same port with the same user, as a restarted Artemis would be
        Stack.broker = EmbeddedArtemis.builder().amqpPort(port).credentials(Stack.broker.credentials()).start();
        service.await("/q/health/ready", a -> a.status() == 200, Duration.ofSeconds(90));
    }

    public static class Stack implements QuarkusTestResourceLifecycleManager {

        static PipelineTestStack stack;
        static EmbeddedArtemis broker;
        /** Replaced when a test restarts it. */
        static Azurite azurite;

        @Override
        public Map<String, String> start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("loader-readiness");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stack = PipelineTestStack.start(false);
            broker = stack.broker();
            azurite = stack.azurite();
            Map<String, String> config = stack.config();
            config.put("fhirpipe.loader.dialect", "duckdb");
            config.put("fhirpipe.loader.duckdb.path", directory.resolve("warehouse.duckdb").toString());
            config.put("fhirpipe.loader.work-directory", directory.resolve("work").toString());
            return config;
        }

        @Override
        public void stop() {
            if (azurite != null && azurite != stack.azurite()) {
                azurite.close();
            }
            if (broker != null && broker != stack.broker()) {
                broker.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }
}
