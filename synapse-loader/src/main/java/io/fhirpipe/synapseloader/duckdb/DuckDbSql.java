package io.fhirpipe.synapseloader.duckdb;

import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the schema, load and snapshot parts of the DuckDB warehouse share: quoting, counting, failures. */
final class DuckDbSql {

    static final DuckDbDialect SQL = new DuckDbDialect();

    private DuckDbSql() {}

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** DuckDB closes a statement that failed, so each gets its own. */
    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    static String qualified(String table) {
        String[] parts = table.split("\\.");
        List<String> quoted = new ArrayList<>();
        for (String p : parts) {
            quoted.add(SQL.quote(p));
        }
        return String.join(".", quoted);
    }

    /** Marks a type's curated snapshot as behind its tables, in the caller's transaction. */
    static void markPending(Statement s, String type) throws SQLException {
        s.execute(
                "INSERT INTO fhirpipe_state.curated_pending VALUES (" + SQL.string(type) + ") ON CONFLICT DO NOTHING");
    }

    /**
     * DuckDB errors while loading are locks, I/O, memory or a broken connection: worth retrying.
     * Data problems were screened out before (see ResourceLineScreen), so a chunk that fails here
     * on every delivery ends in the dead-letter queue after the subscription's max delivery count.
     */
    static TransientFailure transientFailure(String what, SQLException e) {
        return new TransientFailure(what + " failed: " + e.getMessage(), null, e);
    }
}
