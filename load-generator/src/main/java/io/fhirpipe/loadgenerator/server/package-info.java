/**
 * The synthetic Bulk Data server: {@code $export} kick-off (system, patient, group), status polling with
 * configurable {@code Retry-After} and injected failures, paged manifests with output, deleted and error
 * files, and NDJSON files generated while they stream. Runs as its own process ({@link
 * io.fhirpipe.loadgenerator.server.SyntheticBulkDataMain}).
 */
package io.fhirpipe.loadgenerator.server;
