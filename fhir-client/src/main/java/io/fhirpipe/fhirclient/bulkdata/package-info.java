/**
 * The Bulk Data client: {@link io.fhirpipe.fhirclient.bulkdata.FhirServers} (the configured servers,
 * one {@link io.fhirpipe.fhirclient.bulkdata.BulkDataClient} each) and what the operations answer
 * (kick-off, status with the manifest's pages, cancel, download), with the server's authentication
 * applied in one place. The services decide what an answer means for an export; this package only
 * says what the server answered.
 */
package io.fhirpipe.fhirclient.bulkdata;
