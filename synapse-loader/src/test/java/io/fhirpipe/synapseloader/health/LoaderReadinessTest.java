package io.fhirpipe.synapseloader.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.readiness.OutageStack;
import io.fhirpipe.testsupport.readiness.Outages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the loader's dependencies, storage, the broker and its warehouse. Its own
 * stack (the app restarts for this class).
 */
@QuarkusTest
@QuarkusTestResource(value = LoaderReadinessTest.Stack.class, restrictToAnnotatedClass = true)
class LoaderReadinessTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void readinessGoesDownWhileStorageIsStoppedAndUpWhenItIsBack() {
        String ready = Outages.storage(new ServiceProbes(root.toString()), BlobStorageClients::ensureContainers);
        assertThat(ready).contains("\"warehouse\"").contains("warehouse (duckdb) answers SELECT 1");
    }

    @Test
    void readinessGoesDownWhileTheBrokerIsStoppedAndUpWhenItIsBack() {
        String down = Outages.broker(new ServiceProbes(root.toString()));
        assertThat(down).containsPattern("\"chunk-ready\":\\s*\"\\[KO]\"");
    }

    public static class Stack extends OutageStack {
        @Override
        protected void configure(Map<String, String> config) {
            Path directory;
            try {
                directory = Files.createTempDirectory("loader-readiness");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            config.put("fhirpipe.loader.dialect", "duckdb");
            config.put(
                    "fhirpipe.loader.duckdb.path",
                    directory.resolve("warehouse.duckdb").toString());
            config.put(
                    "fhirpipe.loader.work-directory", directory.resolve("work").toString());
        }
    }
}
