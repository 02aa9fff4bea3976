package io.fhirpipe.devfhirserver.seed;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;

/**
 * Stores synthetic transaction bundles through the system DAO (no HTTP round trip, no size limits)
 * and counts what the server confirmed, by resource type.
 */
public final class Seeder {

    private final IFhirSystemDao<Bundle, Meta> systemDao;

    public Seeder(IFhirSystemDao<Bundle, Meta> systemDao) {
        this.systemDao = systemDao;
    }

    public SeedCounts load(SyntheticData data) {
        Map<String, Integer> stored = new HashMap<>();
        for (Bundle transaction : data.transactions()) {
            Bundle response = systemDao.transaction(new SystemRequestDetails(), transaction);
            List<Bundle.BundleEntryComponent> requests = transaction.getEntry();
            List<Bundle.BundleEntryComponent> responses = response.getEntry();
            if (responses.size() != requests.size()) {
                throw new IllegalStateException(
                        "transaction of " + requests.size() + " entries answered with " + responses.size());
            }
            // Transaction response entries are in request order.
            for (int i = 0; i < requests.size(); i++) {
                String status = responses.get(i).getResponse().getStatus();
                if (status == null || !status.startsWith("2")) {
                    throw new IllegalStateException(
                            "storing " + requests.get(i).getRequest().getUrl() + " answered " + status);
                }
                stored.merge(requests.get(i).getResource().fhirType(), 1, Integer::sum);
            }
        }
        return new SeedCounts(stored);
    }
}
