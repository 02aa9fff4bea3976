package io.fhirpipe.loadgenerator.faults;

import java.util.List;
import java.util.Optional;

/**
 * One fault scenario: an export of a small synthetic population (its own seed, so its ids are its
 * own in a shared warehouse) with one fault, and what its end must look like.
 *
 * @param stack        the stack settings it needs ({@link FaultSuite#DEFAULT_STACK} or
 *                     {@link FaultSuite#DUPLICATE_DELIVERY}); scenarios on the same settings share one stack
 * @param serverArgs   the synthetic server's fault options
 * @param failReason   empty: the export must end LOADED; else it must end FAILED with an error containing this
 * @param deadLetters  dead letters the scenario itself causes (poison messages), per subscription
 * @param viaJob       the export is a run of the {@code local-demo} job (it has a watermark), not a POST /exports
 */
record Scenario(
        String name,
        String description,
        boolean inShortSet,
        String stack,
        List<String> serverArgs,
        Fault fault,
        Optional<String> failReason,
        int deadLetters,
        boolean viaJob) {

    Scenario(
            String name,
            String description,
            boolean inShortSet,
            String stack,
            List<String> serverArgs,
            Fault fault,
            Optional<String> failReason,
            int deadLetters) {
        this(name, description, inShortSet, stack, serverArgs, fault, failReason, deadLetters, false);
    }

    static Scenario loads(String name, String description, boolean inShortSet, List<String> serverArgs, Fault fault) {
        return new Scenario(
                name, description, inShortSet, FaultSuite.DEFAULT_STACK, serverArgs, fault, Optional.empty(), 0);
    }

    /** Every scenario in the order the suite runs them; a stack restart last on its stack. */
    static List<Scenario> all() {
        return List.of(
                loads(
                        "kill-loader",
                        "SIGKILL synapse-loader after its first chunk, then restart",
                        true,
                        List.of(),
                        run -> run.killAndRestartWhen(
                                "synapse-loader", "rows loaded", r -> ScenarioRun.sum(r, "rowsLoaded") > 0)),
                loads(
                        "kill-splitter",
                        "SIGKILL ndjson-splitter after its first lines, then restart",
                        true,
                        List.of(),
                        run -> run.killAndRestartWhen(
                                "ndjson-splitter", "lines split", r -> ScenarioRun.sum(r, "linesSplit") > 0)),
                loads(
                        "kill-poller",
                        "SIGKILL export-poller while it polls the server, then restart",
                        false,
                        List.of("--pending-polls", "4"),
                        run -> run.killAndRestartWhen(
                                "export-poller",
                                "accepted",
                                r -> !r.path("status").asText().equals("REQUESTED"))),
                loads(
                        "kill-trigger",
                        "SIGKILL export-trigger right after POST /exports, then restart",
                        false,
                        List.of(),
                        run -> run.killAndRestartWhen("export-trigger", "requested", r -> true)),
                loads(
                        "restart-broker",
                        "the broker stopped and started again while files are split",
                        false,
                        List.of(),
                        run -> run.restartWhen("artemis", "lines split", r -> ScenarioRun.sum(r, "linesSplit") > 0)),
                loads(
                        "restart-azurite",
                        "Azurite stopped and started again while chunks load",
                        false,
                        List.of(),
                        run -> run.restartWhen("azurite", "rows loaded", r -> ScenarioRun.sum(r, "rowsLoaded") > 0)),
                new Scenario(
                        "poison-messages",
                        "a message that is not a CloudEvent on every topic during the export",
                        true,
                        FaultSuite.DEFAULT_STACK,
                        List.of(),
                        ScenarioRun::postPoisonMessages,
                        Optional.empty(),
                        1),
                loads(
                        "server-429",
                        "kick-off and every 3rd status poll answered 429 with Retry-After",
                        true,
                        List.of("--kickoff-429", "2", "--status-429-every", "3", "--retry-after", "1"),
                        Fault.NONE),
                loads(
                        "server-500",
                        "kick-off, every 3rd status poll and every 2nd file answered 500",
                        true,
                        List.of("--kickoff-500", "1", "--status-500-every", "3", "--file-500-every", "2"),
                        Fault.NONE),
                loads(
                        "server-503-files",
                        "the first download of every 2nd file answered 503",
                        false,
                        List.of("--file-503-every", "2"),
                        Fault.NONE),
                loads(
                        "server-slow",
                        "every response 400 ms late, file bodies at 1 MB/s",
                        false,
                        List.of("--delay-ms", "400", "--bytes-per-second", "1000000"),
                        Fault.NONE),
                loads(
                        "dropped-download",
                        "every 2nd file's first download cut off half-way",
                        false,
                        List.of("--drop-every", "2"),
                        Fault.NONE),
                new Scenario(
                        "export-fails",
                        "the server ends the export failed (500 with an OperationOutcome)",
                        false,
                        FaultSuite.DEFAULT_STACK,
                        List.of("--fail-export", "true"),
                        Fault.NONE,
                        Optional.of("fail"),
                        0),
                new Scenario(
                        "never-finishes",
                        "the status URL answers 202 forever; fhirpipe.poll.deadline=" + FaultSuite.POLL_DEADLINE,
                        false,
                        FaultSuite.DEFAULT_STACK,
                        List.of("--never-finish", "true"),
                        Fault.NONE,
                        Optional.of("deadline"),
                        0),
                loads(
                        "malformed-ndjson",
                        "about 1 line in 200 is not JSON",
                        true,
                        List.of("--malformed-every", "200"),
                        Fault.NONE),
                loads(
                        "oversized-line",
                        "one 2 MB line in every 3rd file (splitter max-bytes 1 MiB)",
                        false,
                        List.of("--oversized-every", "3", "--oversized-bytes", "2MB"),
                        Fault.NONE),
                loads(
                        "truncated-file",
                        "every 2nd file ends in half a line, no newline",
                        false,
                        List.of("--truncated-every", "2"),
                        Fault.NONE),
                new Scenario(
                        "stack-restart",
                        "run 1 of a job, the whole stack stopped and started, run 2 (incremental)",
                        false,
                        FaultSuite.DEFAULT_STACK,
                        List.of(),
                        ScenarioRun::restartStackBetweenRuns,
                        Optional.empty(),
                        0,
                        true),
                new Scenario(
                        "duplicate-delivery",
                        "every message reaches every subscription twice",
                        true,
                        FaultSuite.DUPLICATE_DELIVERY,
                        List.of(),
                        Fault.NONE,
                        Optional.empty(),
                        0));
    }
}
