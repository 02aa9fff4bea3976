package io.fhirpipe.synapseloader.health;

import io.fhirpipe.runtime.health.CachedProbe;
import io.fhirpipe.runtime.health.Probe;
import io.fhirpipe.runtime.health.Readiness;
import io.fhirpipe.runtime.health.TimedProbe;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Ready while the warehouse answers {@code SELECT 1} ({@link Warehouse#ping}, never behind the
 * warehouse lock) within the readiness timeout. The reason names the dialect and the SQL state and
 * error number, never the driver's message (it may quote the JDBC URL or the login).
 */
@org.eclipse.microprofile.health.Readiness
@Singleton
class WarehouseReadiness implements HealthCheck {

    private final CachedProbe warehouse;

    @Inject
    WarehouseReadiness(Warehouse warehouse, LoaderConfig config) {
        String what = "warehouse (" + config.loader().dialect() + ")";
        this.warehouse = new CachedProbe(Readiness.CACHE_FOR, new TimedProbe(what, Readiness.TIMEOUT, () -> {
            try {
                warehouse.ping();
                return Probe.up(what + " answers SELECT 1");
            } catch (SQLException e) {
                return Probe.down(
                        what + " failed SELECT 1: SQL state " + e.getSQLState() + ", error " + e.getErrorCode());
            }
        }));
    }

    @Override
    public HealthCheckResponse call() {
        return warehouse.get().response("warehouse");
    }
}
