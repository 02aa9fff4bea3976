package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The configured FHIR servers, each with its one Bulk Data client, for the poll and the transfer. */
@ApplicationScoped
class FhirServerBeans {

    @Produces
    @Singleton
    FhirServers fhirServers(PollerConfig config) {
        return FhirServers.from(config.servers());
    }
}
