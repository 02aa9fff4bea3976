package io.fhirpipe.synapseloader.tsql;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a warehouse connection ({@link SqlServerConnections#open} in production). */
@FunctionalInterface
public interface SqlConnectionSource {
    Connection open() throws SQLException;
}
