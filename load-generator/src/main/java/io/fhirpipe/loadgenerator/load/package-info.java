/**
 * The load test ({@code ./fhirpipe load}): starts the synthetic server and the local stack, runs one
 * export through it, samples throughput, every process's memory and the broker's queue depths, checks
 * the warehouse holds exactly what was generated, and prints a table and writes a plot.
 */
package io.fhirpipe.loadgenerator.load;
