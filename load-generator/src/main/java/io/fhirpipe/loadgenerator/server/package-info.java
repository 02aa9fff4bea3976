/**
 * The synthetic Bulk Data server: {@code $export} kick-off (system, patient, group), status polling with
 * configurable {@code Retry-After} and injected failures, paged manifests with output, deleted and error
 * files, and NDJSON files generated while they stream; the fault suite's faults
 * ({@link io.fhirpipe.loadgenerator.server.Faults}) and what an export must leave behind
 * ({@link io.fhirpipe.loadgenerator.server.ExpectedOutcome}). Runs as its own process ({@link
 * io.fhirpipe.loadgenerator.server.SyntheticBulkDataMain}).
 */
package io.fhirpipe.loadgenerator.server;
