package io.fhirpipe.synapseloader.tsql;

import com.microsoft.sqlserver.jdbc.SQLServerException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whether a failure talking to Synapse / Fabric / Azure SQL is worth retrying: throttling,
 * failover, deadlock and lost-connection errors are; syntax, permission and data errors are not.
 *
 * <p>The error numbers are Microsoft's documented transient list (Microsoft.Data.SqlClient's
 * {@code SqlConfigurableRetryFactory} baseline and the Azure SQL "transient fault" guidance,
 * which Synapse and Fabric share): 1204 lock resource, 1205 deadlock victim, 1222 lock timeout,
 * 49918/49919/49920 not enough resources / too many operations, 4060 cannot open database,
 * 4221 read-secondary login, 40143/40197/40540 service error, 40501 service busy, 40613
 * database unavailable, 10928/10929 resource limits, 10053/10054/10060 transport-level errors,
 * 997, 233 connection closed in login, 64 and 20 connection lost, and -2 (client timeout).
 *
 * <p>Concurrency conflicts are transient too, because the loser's whole transaction is rolled
 * back and running it again (ledger check first) is the documented remedy: Fabric Warehouse runs
 * every transaction under snapshot isolation with table-level conflict detection, so two loaders
 * that DELETE from the same {@code raw.<Type>} or the shared {@code deleted_resources} abort one
 * of them with 24556 ("Snapshot isolation transaction aborted due to update conflict") or 24706
 * (the same, on a row another transaction modified or deleted); 3960 is SQL Server's number for
 * the same abort. Dedicated pools lock instead: 1205 (deadlock victim) and 1222 (lock timeout).
 * Beyond numbers, JDBC's own classes count: SQLState class 08 (connection exception), HYT00 /
 * HYT01 (timeouts), {@link SQLTransientException} and {@link SQLRecoverableException}. Error
 * number 0 alone is not enough: the driver uses it for many client-side errors.
 */
final class SqlServerTransientErrors {

    public static final Set<Integer> TRANSIENT_ERROR_NUMBERS = Set.of(
            1204, 1205, 1222, 49918, 49919, 49920, 4060, 4221, 40143, 40197, 40501, 40540, 40613, 10928, 10929, 10053,
            10054, 10060, 997, 233, 64, 20, -2, 24556, 24706, 3960);

    private SqlServerTransientErrors() {}

    /** True when {@code failure} or anything it wraps / chains is a transient SQL error. */
    public static boolean isTransient(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        return check(failure, seen);
    }

    private static boolean check(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (t instanceof SQLException sql) {
            if (isTransient(sql)) {
                return true;
            }
            if (check(sql.getNextException(), seen)) {
                return true;
            }
        }
        return check(t.getCause(), seen);
    }

    private static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || e instanceof SQLTimeoutException) {
            return true;
        }
        int number = e.getErrorCode();
        if (e instanceof SQLServerException server && server.getSQLServerError() != null) {
            number = server.getSQLServerError().getErrorNumber();
        }
        if (number != 0 && TRANSIENT_ERROR_NUMBERS.contains(number)) {
            return true;
        }
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.equals("HYT00") || state.equals("HYT01") || state.equals("40001"));
    }
}
