package io.fhirpipe.testsupport.quarkus;

import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts {@link Azurite} (blob service, in memory) for a {@code @QuarkusTest} and sets
 * {@value #CONNECTION_STRING} to its connection string:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(AzuriteTestResource.class)
 * class LoaderIT {
 *     @InjectAzurite Azurite azurite;
 * }
 * }</pre>
 */
public class AzuriteTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String CONNECTION_STRING = "fhirpipe.storage.connection-string";

    private Azurite azurite;

    @Override
    public Map<String, String> start() {
        azurite = Azurite.start();
        return Map.of(CONNECTION_STRING, azurite.connectionString());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(
                azurite, new TestInjector.AnnotatedAndMatchesType(InjectAzurite.class, Azurite.class));
    }

    @Override
    public void stop() {
        if (azurite != null) {
            azurite.stop();
            azurite = null;
        }
    }
}
