package io.fhirpipe.synapseloader.warehouse;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Read-only queries on a warehouse the loader holds open itself (the embedded one, whose file no
 * other process may open meanwhile); the T-SQL warehouses have their own query tools.
 */
public interface WarehouseQueries {

    /** Runs {@code work} under the warehouse lock; an SQLException becomes an IllegalStateException. */
    <T> T query(SqlFunction<Connection, T> work);

    @FunctionalInterface
    interface SqlFunction<A, R> {
        R apply(A a) throws SQLException;
    }
}
