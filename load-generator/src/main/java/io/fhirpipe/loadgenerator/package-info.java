/**
 * {@code ./fhirpipe load}: a synthetic FHIR Bulk Data server ({@code synthetic}, {@code server}) and the load
 * test that drives the whole local stack with it and measures throughput, memory and queue depths ({@code load}).
 */
package io.fhirpipe.loadgenerator;
