package io.fhirpipe.testsupport.readiness;

import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.MetadataServer;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The stack of a service's readiness test, whose storage and broker are stopped for real and started
 * again on the same ports, as a restarted Azurite or Artemis would be. A service's test resource
 * extends it and adds its own settings in {@link #configure}. It belongs to one test class
 * ({@code restrictToAnnotatedClass = true}: stopping storage would disturb the other tests), and test
 * classes run one at a time, so the running one is {@link #current()}.
 */
public class OutageStack implements QuarkusTestResourceLifecycleManager {

    private static volatile OutageStack current;

    private PipelineTestStack stack;
    /** Replaced when a test restarts it. */
    private Azurite azurite;
    /** Replaced when a test restarts it. */
    private EmbeddedArtemis broker;

    private MetadataServer fhir;

    public static OutageStack current() {
        OutageStack running = current;
        if (running == null) {
            throw new IllegalStateException("no OutageStack runs: is the test class annotated with one?");
        }
        return running;
    }

    @Override
    public final Map<String, String> start() {
        stack = PipelineTestStack.start(false);
        azurite = stack.azurite();
        broker = stack.broker();
        Map<String, String> config = stack.config();
        configure(config);
        current = this;
        return config;
    }

    /** The service's own settings, added to the broker and storage ones. */
    protected void configure(Map<String, String> config) {}

    /**
     * Starts a FHIR server answering /metadata and names it as each of {@code servers}: this class's
     * settings win over the service's global test stack, which is started too, so servers that stack
     * names must be this one for the fhir-servers group to follow it.
     */
    protected final void fhirServerAs(Map<String, String> config, String... servers) {
        fhir = MetadataServer.start();
        for (String server : servers) {
            config.put("fhirpipe.servers." + server + ".base-url", fhir.baseUrl());
        }
    }

    public Azurite azurite() {
        return azurite;
    }

    public EmbeddedArtemis broker() {
        return broker;
    }

    public MetadataServer fhir() {
        if (fhir == null) {
            throw new IllegalStateException("this stack has no FHIR server: call fhirServerAs in configure");
        }
        return fhir;
    }

    void replaceStorage(Azurite restarted) {
        azurite = restarted;
    }

    void replaceBroker(EmbeddedArtemis restarted) {
        broker = restarted;
    }

    @Override
    public final void stop() {
        current = null;
        if (fhir != null) {
            fhir.close();
        }
        if (stack == null) {
            return;
        }
        if (azurite != null && azurite != stack.azurite()) {
            azurite.close();
        }
        if (broker != null && broker != stack.broker()) {
            broker.close();
        }
        stack.close();
    }
}
