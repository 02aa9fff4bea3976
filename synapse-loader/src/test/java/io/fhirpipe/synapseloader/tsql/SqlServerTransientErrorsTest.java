package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which SQL Server / Synapse failures are retried and which are not. */
class SqlServerTransientErrorsTest {

    private static SQLException error(int number, String state) {
        return new SQLException("error " + number, state, number);
    }

    @ParameterizedTest
    @ValueSource(
            ints = {
                40501, 40613, 49918, 49919, 49920, 4060, 4221, 40143, 40197, 40540, 10928, 10929, 1204, 1205, 1222, 233,
                997, 10053, 10054, 10060, 64, 20, -2, 24556, 24706, 3960
            })
    void documentedTransientNumbersAreTransient(int number) {
        assertThat(SqlServerTransientErrors.isTransient(error(number, "S0001"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {102, 208, 207, 229, 245, 2627, 8152, 18456, 13831, 0})
    void otherNumbersAreNot(int number) {
        // syntax, missing object, permission, constraint, truncation, login failed, JSON errors, and
        // the driver's generic 0
        assertThat(SqlServerTransientErrors.isTransient(error(number, "S0001"))).isFalse();
    }

    @Test
    void connectionAndTimeoutStatesAreTransient() {
        assertThat(SqlServerTransientErrors.isTransient(error(0, "08S01"))).isTrue();
        assertThat(SqlServerTransientErrors.isTransient(error(0, "08001"))).isTrue();
        assertThat(SqlServerTransientErrors.isTransient(error(0, "HYT00"))).isTrue();
        assertThat(SqlServerTransientErrors.isTransient(error(0, "40001"))).isTrue();
        assertThat(SqlServerTransientErrors.isTransient(error(0, "42000"))).isFalse();
        assertThat(SqlServerTransientErrors.isTransient(error(0, null))).isFalse();
    }

    @Test
    void jdbcExceptionClassesCount() {
        assertThat(SqlServerTransientErrors.isTransient(new SQLTimeoutException("t")))
                .isTrue();
        assertThat(SqlServerTransientErrors.isTransient(new SQLTransientConnectionException("c")))
                .isTrue();
        assertThat(SqlServerTransientErrors.isTransient(new SQLRecoverableException("r")))
                .isTrue();
        assertThat(SqlServerTransientErrors.isTransient(new SQLSyntaxErrorException("s", "42000", 102)))
                .isFalse();
        assertThat(SqlServerTransientErrors.isTransient(
                        new SQLNonTransientConnectionException("login failed", "28000", 18456)))
                .isFalse();
    }

    @Test
    void causesAndChainedExceptionsAreSearched() {
        SQLException head = error(3621, "S0001"); // "The statement has been terminated."
        head.setNextException(error(1205, "40001"));
        assertThat(SqlServerTransientErrors.isTransient(head)).isTrue();
        RuntimeException wrapped = new RuntimeException(
                "load failed", new SQLException("statement 'copy-into' failed", "S0001", 40501, error(40501, "S0001")));
        assertThat(SqlServerTransientErrors.isTransient(wrapped)).isTrue();
        assertThat(SqlServerTransientErrors.isTransient(new UncheckedIOException(new IOException("disk full"))))
                .isFalse();
        assertThat(SqlServerTransientErrors.isTransient(null)).isFalse();
    }

    @Test
    void causeCyclesTerminate() {
        SQLException a = error(102, "42000");
        SQLException b = error(208, "42S02");
        a.setNextException(b);
        b.setNextException(a);
        assertThat(SqlServerTransientErrors.isTransient(a)).isFalse();
    }
}
