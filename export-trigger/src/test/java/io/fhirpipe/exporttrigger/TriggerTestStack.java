package io.fhirpipe.exporttrigger;

import io.fhirpipe.model.Topics;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The real components the trigger talks to, started once for the test run (see
 * {@link PipelineTestStack}), plus a FHIR server name with bearer authentication and fast retries.
 */
public class TriggerTestStack implements QuarkusTestResourceLifecycleManager {

    public static final String SECURED_TOKEN = "test-token-4b1d";

    static PipelineTestStack stack;
    public static EmbeddedArtemis broker;
    public static RecordedBulkDataServer fhir;
    /** Posts messages by hand and reads what the trigger published. */
    public static AmqpTestClient amqp;

    public static String failedObserver;
    public static String loadedObserver;

    @Override
    public Map<String, String> start() {
        stack = PipelineTestStack.start(true);
        broker = stack.broker();
        fhir = stack.fhir().orElseThrow();
        amqp = stack.amqp();
        // The trigger's own tracker consumes export-failed and export-loaded has no subscription:
        // the tests read what was published through subscriptions of their own.
        failedObserver = broker.addSubscription(Topics.EXPORT_FAILED, "test-observer");
        loadedObserver = broker.addSubscription(Topics.EXPORT_LOADED, "test-observer");
        Map<String, String> config = stack.config();
        config.put("fhirpipe.servers.secured.base-url", fhir.baseUrl());
        config.put("fhirpipe.servers.secured.auth.type", "bearer");
        config.put("fhirpipe.servers.secured.auth.token", SECURED_TOKEN);
        config.put("fhirpipe.kickoff.min-retry-delay", "200ms");
        config.put("fhirpipe.kickoff.max-retry-delay", "3s");
        config.put("fhirpipe.kickoff.max-attempts", "3");
        // A job that only runs when asked (POST /jobs/catch-up/runs).
        config.put("fhirpipe.jobs.catch-up.cron", "off");
        config.put("fhirpipe.jobs.catch-up.server", "hapi");
        config.put("fhirpipe.jobs.catch-up.level", "group");
        config.put("fhirpipe.jobs.catch-up.group-id", "g-catch-up");
        // A scheduled job whose first window is far ahead: its next run is known, it never fires in a test.
        config.put("fhirpipe.jobs.far-ahead.cron", "0 0 3 1 1 ? 2099");
        config.put("fhirpipe.jobs.far-ahead.server", "hapi");
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    public static String azuriteConnectionString() {
        return stack.azurite().connectionString();
    }
}
