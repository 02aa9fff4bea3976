package io.fhirpipe.ndjsonsplitter.health;

import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.readiness.OutageStack;
import io.fhirpipe.testsupport.readiness.Outages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows storage (the broker's check is SmallRye's, tested in the loader's
 * LoaderReadinessTest). Its own stack (the app restarts for this class).
 */
@QuarkusTest
@QuarkusTestResource(value = OutageStack.class, restrictToAnnotatedClass = true)
class SplitterReadinessTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void readinessGoesDownWhileStorageIsStoppedAndUpWhenItIsBack() {
        Outages.storage(new ServiceProbes(root.toString()), BlobStorageClients::ensureContainers);
    }
}
