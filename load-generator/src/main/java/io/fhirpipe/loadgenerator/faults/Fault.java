package io.fhirpipe.loadgenerator.faults;

/**
 * What a scenario does to the pipeline once its export is requested: kill or restart a component at
 * the right moment, post poison messages, or nothing (the fault is in the synthetic server's options
 * or the broker's mode). It may block; it throws when something the scenario relies on is not so.
 */
@FunctionalInterface
interface Fault {

    Fault NONE = run -> {};

    void apply(ScenarioRun run) throws Exception;
}
