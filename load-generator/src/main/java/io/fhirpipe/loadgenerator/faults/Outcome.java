package io.fhirpipe.loadgenerator.faults;

import java.util.List;

/** One row of the suite's table; {@code problems} empty means the scenario passed. */
record Outcome(
        String scenario,
        double seconds,
        long resourcesExpected,
        long resourcesFound,
        long rejectedExpected,
        long rejectedFound,
        long deadLettersExpected,
        long deadLettersFound,
        String exportState,
        List<String> problems,
        List<String> notes) {

    boolean passed() {
        return problems.isEmpty();
    }
}
