package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner's control flow (ledger skip, stage, transaction, rollback, cleanup) on a real
 * engine. No SQL Server runs here, so the plan is written in DuckDB SQL with DuckDB's
 * transaction statements; the T-SQL the dialects emit is covered by the golden tests.
 */
class TSqlPlanRunnerTest {

    private static final TSqlPlanRunner.TransactionControl DUCKDB = new TSqlPlanRunner.TransactionControl(
            new SqlStatement("begin", "BEGIN TRANSACTION"),
            new SqlStatement("commit", "COMMIT"),
            new SqlStatement("rollback", "ROLLBACK"));

    private Connection db;

    @BeforeEach
    void open() throws SQLException {
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE ledger (chunk VARCHAR)");
            s.execute("CREATE TABLE target (v INTEGER)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    private LoadPlan plan(String chunk, String failingStatement) {
        List<SqlStatement> tx = new java.util.ArrayList<>(
                List.of(new SqlStatement("insert", "INSERT INTO target SELECT line FROM staging WHERE line > 0")));
        if (failingStatement != null) {
            tx.add(new SqlStatement("boom", failingStatement));
        }
        tx.add(new SqlStatement("ledger", "INSERT INTO ledger VALUES ('" + chunk + "')"));
        return new LoadPlan(
                new SqlStatement("ledger-check", "SELECT count(*) FROM ledger WHERE chunk = '" + chunk + "'"),
                List.of(
                        new SqlStatement("drop", "DROP TABLE IF EXISTS staging"),
                        new SqlStatement(
                                "stage",
                                "CREATE TABLE staging AS SELECT * FROM (VALUES (1), (2), (-1))" + " AS t(line)")),
                new SqlStatement("rejected", "SELECT count(*) FROM staging WHERE line <= 0"),
                new SqlStatement("rejected-lines", "SELECT CAST(line AS VARCHAR) FROM staging WHERE line <= 0"),
                tx,
                List.of(new SqlStatement("cleanup", "DROP TABLE IF EXISTS staging")));
    }

    private long count(String sql) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void loadsOnceThenSkipsTheRedelivery() throws Exception {
        TSqlPlanRunner runner = new TSqlPlanRunner(DUCKDB);
        TSqlPlanRunner.Outcome first = runner.run(db, plan("c1", null));
        assertThat(first).isEqualTo(new TSqlPlanRunner.Outcome(false, 1, List.of("-1")));
        assertThat(count("SELECT count(*) FROM target")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM ledger")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'staging'"))
                .isZero(); // cleaned up

        TSqlPlanRunner.Outcome again = runner.run(db, plan("c1", null));
        assertThat(again.alreadyLoaded()).isTrue();
        assertThat(count("SELECT count(*) FROM target")).isEqualTo(2);
    }

    @Test
    void aFailingStatementRollsBackTheRowsAndTheLedgerAndNamesTheStatement() throws Exception {
        TSqlPlanRunner runner = new TSqlPlanRunner(DUCKDB);
        assertThatThrownBy(() -> runner.run(db, plan("c2", "SELECT * FROM no_such_table")))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("statement 'boom' failed");
        assertThat(count("SELECT count(*) FROM target")).isZero();
        assertThat(count("SELECT count(*) FROM ledger")).isZero();
        // the staging step is idempotent: a retry after the failure loads normally
        assertThat(runner.run(db, plan("c2", null)).alreadyLoaded()).isFalse();
        assertThat(count("SELECT count(*) FROM target")).isEqualTo(2);
    }

    @Test
    void sensitiveStatementsAreNotEchoedInFailures() throws Exception {
        SqlStatement secret = new SqlStatement("copy-into", "SELECT 'sig=SECRET' FROM nowhere", true);
        assertThatThrownBy(() -> new TSqlPlanRunner(DUCKDB).execute(db, secret))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("statement 'copy-into' failed")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    }
}
