package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.BrokerCredentials;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * A splitter in a JVM of its own, so that a test can kill it with SIGKILL in the middle of a file.
 * Arguments: storage connection string (read from stdin, to keep the key off the command line),
 * AMQP host, AMQP port, landing blob name, max lines per chunk; the broker's user in the environment
 * (FHIRPIPE_BROKER_USERNAME / FHIRPIPE_BROKER_PASSWORD). Publishes to the real topics.
 */
public final class SplitterChildProcess {

    public static void main(String[] args) throws Exception {
        String connectionString = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        String amqpHost = args[0];
        int amqpPort = Integer.parseInt(args[1]);
        LandingBlob blob = LandingBlob.parse(args[2]).orElseThrow();
        int maxLines = Integer.parseInt(args[3]);
        BrokerCredentials credentials =
                BrokerCredentials.fromEnvironment(System.getenv()).orElseThrow();
        try (AmqpTestClient amqp = AmqpTestClient.connect(amqpHost, amqpPort, credentials)) {
            EventSink chunkReady = event -> {
                amqp.send("chunk-ready", MessageCodec.encode(event));
                return CompletableFuture.completedFuture(null);
            };
            EventSink splitCompleted = event -> {
                amqp.send("split-completed", MessageCodec.encode(event));
                return CompletableFuture.completedFuture(null);
            };
            SplitSettings defaults = SplitSettings.defaults(new ChunkLimits(maxLines, 1024 * 1024));
            LandingFileSplitter splitter = new LandingFileSplitter(
                    BlobStorageClients.serviceClient(
                            io.fhirpipe.runtime.storage.StorageSettings.ofConnectionString(connectionString)),
                    new SplitSettings(defaults.limits(), 1024, 1),
                    chunkReady,
                    splitCompleted,
                    Clock.systemUTC());
            System.out.println("SPLITTING " + blob.name());
            System.out.flush();
            splitter.split(blob, null);
            System.out.println("SPLIT DONE");
        }
    }
}
