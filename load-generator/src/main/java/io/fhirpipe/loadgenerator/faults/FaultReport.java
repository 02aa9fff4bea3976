package io.fhirpipe.loadgenerator.faults;

import java.util.List;

/** The suite's table, as printed and as the README shows it. */
final class FaultReport {

    private FaultReport() {}

    static String table(List<Outcome> outcomes) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                "%-20s %-6s %8s %19s %17s %14s  %s%n",
                "scenario",
                "result",
                "seconds",
                "resources exp/found",
                "rejected exp/found",
                "dead letters",
                "export state"));
        for (Outcome o : outcomes) {
            t.append(String.format(
                    "%-20s %-6s %8.0f %19s %17s %14s  %s%n",
                    o.scenario(),
                    o.passed() ? "PASS" : "FAIL",
                    o.seconds(),
                    o.resourcesExpected() + "/" + o.resourcesFound(),
                    o.rejectedExpected() + "/" + o.rejectedFound(),
                    o.deadLettersExpected() + "/" + o.deadLettersFound(),
                    o.exportState()));
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        t.append(String.format(
                "%d scenarios, %d passed, %d failed%n", outcomes.size(), outcomes.size() - failed, failed));
        for (Outcome o : outcomes) {
            for (String n : o.notes()) {
                t.append("  ").append(o.scenario()).append(": ").append(n).append('\n');
            }
            for (String p : o.problems()) {
                t.append("  ")
                        .append(o.scenario())
                        .append(" FAILED: ")
                        .append(p)
                        .append('\n');
            }
        }
        return t.toString();
    }
}
