package io.fhirpipe.exportpoller;

import io.fhirpipe.exportpoller.transfer.NdjsonFileServer;
import io.fhirpipe.model.Topics;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.quarkus.PipelineTestStack;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The poller's real components (see {@link PipelineTestStack}), with short poll and retry delays,
 * a second name for the recorded server that needs a bearer token ({@code secured}), and a tiny
 * server of large generated NDJSON files ({@code files}). Since the service itself consumes the
 * transfer's subscription of export-file-ready, tests read that topic from an observer
 * subscription of their own.
 */
public class PollerTestStack implements QuarkusTestResourceLifecycleManager {

    public static final String BEARER_TOKEN = "test-bearer-token-7f3a";
    public static final String OBSERVER = "test-observer";

    static PipelineTestStack stack;
    public static EmbeddedArtemis broker;
    public static RecordedBulkDataServer fhir;
    public static AmqpTestClient amqp;
    public static Azurite azurite;
    public static NdjsonFileServer files;
    /** The observer's copy of export-file-ready. */
    public static String fileReadyObserver;

    @Override
    public Map<String, String> start() {
        stack = PipelineTestStack.start(true);
        broker = stack.broker();
        fhir = stack.fhir().orElseThrow();
        amqp = stack.amqp();
        azurite = stack.azurite();
        files = NdjsonFileServer.start();
        fileReadyObserver = broker.addSubscription(Topics.EXPORT_FILE_READY, OBSERVER);
        Map<String, String> config = stack.config();
        config.put("fhirpipe.servers.hapi.request-timeout", "3s");
        config.put("fhirpipe.servers.secured.base-url", fhir.baseUrl());
        config.put("fhirpipe.servers.secured.auth.type", "bearer");
        config.put("fhirpipe.servers.secured.auth.token", BEARER_TOKEN);
        config.put("fhirpipe.servers.files.base-url", files.baseUrl());
        config.put("fhirpipe.poll.min-delay", "200ms");
        config.put("fhirpipe.poll.max-delay", "2s");
        config.put("fhirpipe.poll.deadline", "1h");
        config.put("fhirpipe.transfer.publish-blob-created", "true");
        config.put("fhirpipe.transfer.max-attempts", "3");
        config.put("fhirpipe.transfer.retry-min-delay", "100ms");
        config.put("fhirpipe.transfer.retry-max-delay", "300ms");
        config.put("fhirpipe.transfer.idle-timeout", "3s");
        return config;
    }

    @Override
    public void stop() {
        if (files != null) {
            files.close();
        }
        if (stack != null) {
            stack.close();
        }
    }
}
