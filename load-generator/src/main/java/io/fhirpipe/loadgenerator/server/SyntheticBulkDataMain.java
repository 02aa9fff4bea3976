package io.fhirpipe.loadgenerator.server;

import java.util.concurrent.CountDownLatch;

/**
 * The synthetic Bulk Data server as its own process, until SIGTERM. Prints one
 * {@code BULK DATA READY url=... patients=... resources=...} line once it listens.
 * Options: see {@link ServerOptions#OPTIONS}.
 */
public final class SyntheticBulkDataMain {

    private SyntheticBulkDataMain() {}

    public static void main(String[] args) throws InterruptedException {
        SyntheticBulkDataServer server;
        try {
            server = SyntheticBulkDataServer.start(ServerOptions.parse(args));
        } catch (RuntimeException e) {
            System.err.println("BULK DATA FAILED " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "bulk-data-shutdown"));
        var plan = server.plan();
        System.out.println("BULK DATA READY url=" + server.baseUrl() + " patients=" + plan.get("patients")
                + " resources=" + plan.get("resources") + " types=" + plan.get("types"));
        System.out.flush();
        stopped.await();
    }
}
