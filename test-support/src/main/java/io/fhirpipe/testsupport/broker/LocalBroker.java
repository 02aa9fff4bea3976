package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.Topology;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone Artemis for the local stack: the same embedded broker and topology the tests use,
 * persistent, on a fixed port, running until the process is stopped. Its one user comes from the
 * environment ({@value BrokerCredentials#USERNAME_ENV}, {@value BrokerCredentials#PASSWORD_ENV}; the
 * local stack keeps them in its work folder), not from arguments, which {@code ps} shows to anyone.
 * Usage: {@code LocalBroker [--port 5672] [--data .fhirpipe/artemis]}. With
 * {@value #DUPLICATE_DELIVERY_ENV}{@code =true} every message sent to a topic is delivered twice to each
 * subscription (the fault suite's duplicate-delivery scenario; {@link EmbeddedArtemis.Builder#duplicateDelivery}).
 */
public final class LocalBroker {

    public static final String DUPLICATE_DELIVERY_ENV = "FHIRPIPE_BROKER_DUPLICATE_DELIVERY";

    private LocalBroker() {}

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
        BrokerCredentials credentials =
                BrokerCredentials.fromEnvironment(System.getenv()).orElse(null);
        if (credentials == null) {
            System.err.println("LocalBroker needs its user in " + BrokerCredentials.USERNAME_ENV + " and "
                    + BrokerCredentials.PASSWORD_ENV + ": it accepts no anonymous connections");
            System.exit(2);
            return;
        }
        boolean duplicates = Boolean.parseBoolean(System.getenv(DUPLICATE_DELIVERY_ENV));
        EmbeddedArtemis broker = EmbeddedArtemis.builder()
                .topology(Topology.standard())
                .amqpPort(port)
                .dataDirectory(data)
                .credentials(credentials)
                .duplicateDelivery(duplicates)
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "local-broker-shutdown"));
        System.out.println("fhirpipe local broker: AMQP on " + broker.amqpUrl() + ", data in " + data.toAbsolutePath()
                + ", user " + credentials.username() + " (anonymous connections refused)"
                + (duplicates ? ", every message delivered twice (" + DUPLICATE_DELIVERY_ENV + ")" : ""));
        stopped.await();
    }
}
