package io.fhirpipe.exporttrigger.health;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.readiness.OutageStack;
import io.fhirpipe.testsupport.readiness.Outages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows storage; a FHIR server outage shows in readiness without failing it and fails
 * the fhir-servers group. Its own stack (the app restarts for this class).
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerReadinessTest.Stack.class, restrictToAnnotatedClass = true)
class TriggerReadinessTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void readinessGoesDownWhileStorageIsStoppedAndUpWhenItIsBack() {
        Outages.storage(new ServiceProbes(root.toString()), BlobStorageClients::ensureContainers);
    }

    @Test
    void aFhirServerOutageIsReportedInReadinessWithoutFailingItAndFailsTheFhirServersGroup() {
        Outages.fhirServer(new ServiceProbes(root.toString()), "local");
    }

    public static class Stack extends OutageStack {
        @Override
        protected void configure(Map<String, String> config) {
            // "local" (application.properties) and the global test stack's "down" (a closed port)
            fhirServerAs(config, "local", "down");
        }
    }
}
