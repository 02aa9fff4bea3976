package io.fhirpipe.loadgenerator.load;

import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./fhirpipe load}: see {@link LoadOptions#USAGE}. Exits 0 when the export was loaded exactly
 * once, 1 when it failed or the warehouse disagrees with what was generated, 2 on bad options.
 */
public final class LoadTestMain {

    private LoadTestMain() {}

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, LocalStack.findRoot());
        } catch (IllegalArgumentException e) {
            System.err.println("fhirpipe load: " + e.getMessage() + "\n" + LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        LoadResult result;
        try {
            result = new LoadTest(options).run();
        } catch (Exception e) {
            System.err.println("\nfhirpipe load FAILED: " + e.getMessage() + "\n  logs: "
                    + options.work().resolve("logs"));
            System.exit(1);
            return;
        }
        String table = LoadReport.table(result);
        System.out.print(table);
        String name = options.plot().getFileName().toString().replaceFirst("\\.png$", "");
        Path dir = options.plot().getParent();
        Files.writeString(dir.resolve(name + ".txt"), table);
        LoadReport.writeCsv(dir.resolve(name + ".csv"), result);
        LoadPlot.write(
                options.plot(),
                String.format(
                        "fhirpipe load test: %s, %,d resources, %s export, chunks <= %,d lines",
                        options.size(), result.resources(), options.level(), options.maxLines()),
                result.samples());
        System.out.println(
                "plot: " + options.plot() + "\nsamples: " + dir.resolve(name + ".csv") + "\nlogs: " + result.logs());
        System.exit(LoadReport.mismatches(result).isEmpty() ? 0 : 1);
    }
}
