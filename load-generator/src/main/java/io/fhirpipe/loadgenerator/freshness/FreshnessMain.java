package io.fhirpipe.loadgenerator.freshness;

import io.fhirpipe.testsupport.stack.LocalStack;

/**
 * {@code ./fhirpipe freshness}: see {@link FreshnessOptions#USAGE}. Exits 0 when every write was seen
 * and p95 met the target, 1 otherwise, 2 on bad options.
 */
public final class FreshnessMain {

    private FreshnessMain() {}

    public static void main(String[] args) {
        FreshnessOptions options;
        try {
            options = FreshnessOptions.parse(args, LocalStack.findRoot());
        } catch (IllegalArgumentException e) {
            System.err.println("fhirpipe freshness: " + e.getMessage() + "\n" + FreshnessOptions.USAGE);
            System.exit(2);
            return;
        }
        FreshnessRun run = new FreshnessRun(options);
        try {
            System.out.print(run.run());
        } catch (Exception e) {
            System.err.println("\nfhirpipe freshness FAILED: " + e.getMessage() + "\n  logs: "
                    + options.work().resolve("logs"));
            System.exit(1);
            return;
        }
        System.out.println("table: " + options.work().resolve("freshness.txt") + "\nlogs: "
                + options.work().resolve("logs"));
        System.exit(run.failures().isEmpty() ? 0 : 1);
    }
}
