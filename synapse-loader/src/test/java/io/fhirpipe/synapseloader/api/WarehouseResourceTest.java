package io.fhirpipe.synapseloader.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a T-SQL dialect there is no local DuckDB warehouse: the endpoints say so instead of failing. */
class WarehouseResourceTest {

    @Test
    void withoutALocalWarehouseTheEndpointsAnswer404ProblemsNot500() {
        WarehouseResource resource = new WarehouseResource();
        resource.warehouse = new LoadOnlyWarehouse();
        for (var response : new jakarta.ws.rs.core.Response[] {resource.tables(), resource.sample()}) {
            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
            assertThat(((Map<?, ?>) response.getEntity()).get("type"))
                    .isEqualTo("urn:fhirpipe:problem:no-local-warehouse");
        }
    }
}
