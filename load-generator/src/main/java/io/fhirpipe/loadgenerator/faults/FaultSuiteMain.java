package io.fhirpipe.loadgenerator.faults;

import io.fhirpipe.loadgenerator.work.WorkFolder;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./fhirpipe faults [--short] [--only name,...] [--work DIR]}: the fault scenarios on the local
 * stack, a table at the end; exit 0 when every scenario passed, 1 when one failed, 2 on bad options.
 */
public final class FaultSuiteMain {

    static final String USAGE = "usage: ./fhirpipe faults [--short] [--only scenario,...] [--work DIR]\n  scenarios: "
            + Scenario.all().stream().map(Scenario::name).collect(Collectors.joining(", "));

    private FaultSuiteMain() {}

    public static void main(String[] args) throws Exception {
        Path root = LocalStack.findRoot();
        List<Scenario> scenarios;
        Path work = root.resolve(".fhirpipe-faults");
        try {
            boolean shortSet = false;
            Set<String> only = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> shortSet = true;
                    case "--only" ->
                        only = Set.copyOf(Arrays.asList(value(args, ++i).split(",")));
                    case "--work" -> work = Path.of(value(args, ++i)).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            scenarios = select(shortSet, only);
        } catch (IllegalArgumentException e) {
            System.err.println("fhirpipe faults: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        WorkFolder.prepare(work, "faults", name -> name.startsWith("faults-"));
        List<Outcome> outcomes = new FaultSuite(root, work, System.out).run(scenarios);
        String table = FaultReport.table(outcomes);
        System.out.print("\n" + table);
        Files.writeString(work.resolve("faults-" + System.currentTimeMillis() + ".txt"), table);
        System.out.println("logs: " + work + "/<stack>/logs");
        System.exit(outcomes.stream().allMatch(Outcome::passed) ? 0 : 1);
    }

    /** The scenarios to run, in the suite's order. */
    static List<Scenario> select(boolean shortSet, Set<String> only) {
        List<Scenario> all = Scenario.all();
        if (only != null) {
            Set<String> known = all.stream().map(Scenario::name).collect(Collectors.toSet());
            for (String name : only) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("no scenario " + name);
                }
            }
        }
        List<Scenario> chosen = all.stream()
                .filter(s -> !shortSet || s.inShortSet())
                .filter(s -> only == null || only.contains(s.name()))
                .toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no scenario selected");
        }
        return chosen;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
