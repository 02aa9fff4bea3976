package io.fhirpipe.synapseloader.tsql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link LoadPlan} on one connection: ledger check, idempotent stage, the transaction
 * with the ledger row, cleanup. Failures carry the statement name (never a statement holding a
 * credential); retrying is the caller's decision ({@link SqlServerTransientErrors}).
 */
final class TSqlPlanRunner {

    /** What a run did: skipped (already in the ledger), or loaded with these counts. */
    public record Outcome(boolean alreadyLoaded, long rowsRejected, List<String> rejectedLines) {}

    /** The statements that open, commit and roll back the load transaction. */
    record TransactionControl(SqlStatement begin, SqlStatement commit, SqlStatement rollback) {}

    /**
     * Explicit BEGIN/COMMIT in autocommit mode rather than setAutoCommit(false): the driver
     * implements the latter with SET IMPLICIT_TRANSACTIONS, not documented for dedicated pools. A
     * failed statement leaves a dedicated-pool transaction rollback-only (error 111233), hence the
     * guarded ROLLBACK.
     */
    static final TransactionControl T_SQL = new TransactionControl(
            new SqlStatement("begin", "BEGIN TRANSACTION"),
            new SqlStatement("commit", "COMMIT TRANSACTION"),
            new SqlStatement("rollback", "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"));

    private final TransactionControl control;

    public TSqlPlanRunner() {
        this(T_SQL);
    }

    /** For running the control flow on another engine in tests. */
    TSqlPlanRunner(TransactionControl control) {
        this.control = control;
    }

    public Outcome run(Connection connection, LoadPlan plan) throws SQLException {
        connection.setAutoCommit(true);
        if (plan.ledgerCheck() != null && queryLong(connection, plan.ledgerCheck()) > 0) {
            return new Outcome(true, 0, List.of());
        }
        for (SqlStatement s : plan.stage()) {
            execute(connection, s);
        }
        long rejected = plan.rejectedCount() == null ? 0 : queryLong(connection, plan.rejectedCount());
        List<String> rejectedLines = new ArrayList<>();
        if (rejected > 0 && plan.rejectedLines() != null) {
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery(plan.rejectedLines().sql())) {
                while (rs.next()) {
                    rejectedLines.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw failed(plan.rejectedLines(), e);
            }
        }
        if (!plan.transaction().isEmpty()) {
            execute(connection, control.begin());
            try {
                for (SqlStatement s : plan.transaction()) {
                    execute(connection, s);
                }
                execute(connection, control.commit());
            } catch (SQLException e) {
                try {
                    execute(connection, control.rollback());
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
        for (SqlStatement s : plan.cleanup()) {
            execute(connection, s);
        }
        return new Outcome(false, rejected, rejectedLines);
    }

    public void execute(Connection connection, SqlStatement s) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(s.sql());
        } catch (SQLException e) {
            throw failed(s, e);
        }
    }

    private long queryLong(Connection connection, SqlStatement s) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(s.sql())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failed(s, e);
        }
    }

    private static SQLException failed(SqlStatement s, SQLException e) {
        if (s.sensitive()) {
            // a parse error may quote a fragment of the statement ("Incorrect syntax near ..."), which
            // could be part of the SAS: keep number and state for the classifier, drop text and cause
            return new SQLException(
                    "statement '" + s.name() + "' failed with error " + e.getErrorCode()
                            + " (SQLState " + e.getSQLState() + "); the driver's message is withheld because the"
                            + " statement carries a storage credential",
                    e.getSQLState(),
                    e.getErrorCode());
        }
        return new SQLException(
                "statement '" + s.name() + "' failed: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }
}
