package io.fhirpipe.exportpoller.health;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.fhir.MetadataServer;
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
 * Readiness follows storage; a FHIR server outage shows in readiness without failing it and fails
 * the fhir-servers group. Each dependency is stopped for real and started again. Its own stack (the
 * app restarts for this class), as stopping storage would disturb the other tests.
 */
@QuarkusTest
@QuarkusTestResource(value = PollerReadinessTest.Stack.class, restrictToAnnotatedClass = true)
class PollerReadinessTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String READY = "/q/health/ready";
    static final String FHIR_GROUP = "/q/health/group/fhir-servers";

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

    @Test
    void aFhirServerOutageIsReportedInReadinessWithoutFailingItAndFailsTheFhirServersGroup() {
        ServiceProbes service = new ServiceProbes(root.toString());
        service.await(FHIR_GROUP, a -> a.status() == 200, WAIT);
        String where = "FHIR server 'local' at 127.0.0.1:" + Stack.fhir.baseUrl().split(":")[2].split("/")[0];
        assertThat(service.get(READY).body()).contains("UP — " + where + " answered HTTP 200");

        Stack.fhir.pause();
        // each server's answer is cached on its own: wait for this one's
        service.await(FHIR_GROUP, a -> a.status() == 503
                && a.body().contains("DOWN — " + where + " refused the connection"), WAIT);
        ServiceProbes.Answer ready = service.get(READY);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("DOWN — " + where + " refused the connection")
                .containsPattern("\"affects-readiness\":\\s*false");

        Stack.fhir.resume();
        service.await(FHIR_GROUP, a -> a.status() == 200, WAIT);
    }

    public static class Stack implements QuarkusTestResourceLifecycleManager {

        static PipelineTestStack stack;
        static MetadataServer fhir;
        /** Replaced when a test restarts it. */
        static Azurite azurite;

        @Override
        public Map<String, String> start() {
            stack = PipelineTestStack.start(false);
            azurite = stack.azurite();
            fhir = MetadataServer.start();
            Map<String, String> config = stack.config();
            // This class's settings win over the service's global test stack, which is started too
            // and names more servers: "local" (application.properties) and that stack's "down" (a
            // closed port) are this server here, so the fhir-servers group follows it.
            config.put("fhirpipe.servers.local.base-url", fhir.baseUrl());
            config.put("fhirpipe.servers.down.base-url", fhir.baseUrl());
            return config;
        }

        @Override
        public void stop() {
            if (fhir != null) {
                fhir.close();
            }
            if (azurite != null && azurite != stack.azurite()) {
                azurite.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }
}
