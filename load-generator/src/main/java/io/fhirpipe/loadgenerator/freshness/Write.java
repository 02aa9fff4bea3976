package io.fhirpipe.loadgenerator.freshness;

import java.time.Instant;

/**
 * One change made on the FHIR server, as the server answered it.
 *
 * @param lastUpdated the new version's {@code meta.lastUpdated}: the row in the typed view carries it
 * @param writtenAt   when the server's answer arrived (this machine's clock): the write was committed
 */
record Write(
        int seq,
        String kind,
        String resourceType,
        String id,
        String versionId,
        Instant lastUpdated,
        Instant writtenAt) {

    String reference() {
        return resourceType + "/" + id + "/_history/" + versionId;
    }
}
