package io.fhirpipe.testsupport.stack;

import io.fhirpipe.testsupport.broker.BrokerCredentials;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link LocalStack} until it is told to stop (SIGTERM / Ctrl-C), for {@code ./fhirpipe demo}
 * and {@code deploy/local/stack}. Prints one {@code STACK READY} line with where everything is.
 */
public final class LocalStackMain {

    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        LocalStack.Builder builder = LocalStack.builder();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> builder.root(Path.of(args[++i]));
                case "--work" -> builder.workDirectory(Path.of(args[++i]));
                case "--seed" -> builder.seedPatients(Integer.parseInt(args[++i]));
                case "--fhir" -> builder.fhirBaseUrl(args[++i]);
                case "--amqp-port" -> builder.amqpPort(Integer.parseInt(args[++i]));
                case "--base-port" -> builder.basePort(Integer.parseInt(args[++i]));
                default -> {
                    System.err.println("usage: LocalStackMain [--root DIR] [--work DIR] [--seed PATIENTS] "
                            + "[--fhir BASE_URL] [--amqp-port N] [--base-port N]");
                    System.exit(2);
                }
            }
        }
        LocalStack stack;
        try {
            stack = builder.start();
        } catch (RuntimeException e) {
            System.err.println("STACK FAILED " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "local-stack-shutdown"));
        System.out.println("STACK READY trigger=" + stack.triggerUrl() + " fhir=" + stack.fhirBaseUrl()
                + " loader=" + stack.serviceUrl("synapse-loader") + " amqp=127.0.0.1:" + stack.amqpPort()
                + " duckdb=" + stack.duckDbPath() + " logs=" + stack.logs() + " ports=" + stack.portsFile()
                + " credentials=" + stack.portsFile().resolveSibling(BrokerCredentials.FILE_NAME));
        System.out.flush();
        stopped.await();
    }
}
