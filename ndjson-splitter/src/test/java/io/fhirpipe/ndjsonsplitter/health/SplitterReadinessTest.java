package io.fhirpipe.ndjsonsplitter.health;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness follows storage, stopped for real and started again (the broker's check is SmallRye's,
 * tested in the loader's LoaderReadinessTest). Its own stack (the app restarts for this class), as
 * stopping storage would disturb the other tests.
 */
@QuarkusTest
@QuarkusTestResource(value = SplitterReadinessTest.Stack.class, restrictToAnnotatedClass = true)
class SplitterReadinessTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String READY = "/q/health/ready";

    @TestHTTPResource("/")
    URL root;

    @Test
    void readinessGoesDownWhileStorageIsStoppedAndUpWhenItIsBack() {
        ServiceProbes service = new ServiceProbes(root.toString());
        String ready = service.await(READY, a -> a.status() == 200, WAIT).body();
        assertThat(ready).contains("\"storage\"").contains("SmallRye Reactive Messaging");

        int port = Stack.azurite.blobPort();
        Stack.azurite.stop();
        String down = service.await(READY, a -> a.status() == 503 && a.body().contains(
                "storage at 127.0.0.1:" + port + " refused the connection"), WAIT).body();
        assertThat(down).doesNotContain("AccountKey").doesNotContain("AccountName");

        Stack.azurite = Azurite.builder().blobPort(port).start();
        // in memory: the restarted Azurite has no containers until they are made again
        BlobStorageClients.ensureContainers(Stack.azurite.blobServiceClient());
        service.await(READY, a -> a.status() == 200, WAIT);
    }

    public static class Stack implements QuarkusTestResourceLifecycleManager {

        static PipelineTestStack stack;
        /** Replaced when a test restarts it. */
        static Azurite azurite;

        @Override
        public Map<String, String> start() {
            stack = PipelineTestStack.start(false);
            azurite = stack.azurite();
            return stack.config();
        }

        @Override
        public void stop() {
            if (azurite != null && azurite != stack.azurite()) {
                azurite.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }
}
