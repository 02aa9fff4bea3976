package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.Topology;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone Artemis for the local stack: the same embedded broker and topology the tests use,
 * persistent, on a fixed port, running until the process is stopped.
 * Usage: {@code LocalBroker [--port 5672] [--data .fhirpipe/artemis]}.
 */
public final class LocalBroker {

    private LocalBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 5672;
        Path data = Path.of(".fhirpipe", "artemis");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: LocalBroker [--port N] [--data DIR]");
                    System.exit(2);
                }
            }
        }
        EmbeddedArtemis broker = EmbeddedArtemis.builder().topology(Topology.standard()).amqpPort(port)
                .dataDirectory(data).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "local-broker-shutdown"));
        System.out.println("fhirpipe local broker: AMQP on " + broker.amqpUrl() + ", data in " + data.toAbsolutePath());
        stopped.await();
    }
}
