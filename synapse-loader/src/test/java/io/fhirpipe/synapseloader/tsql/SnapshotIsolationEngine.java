package io.fhirpipe.synapseloader.tsql;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fabric Warehouse's concurrency rule, for loaders sharing it through {@link RecordingJdbc}: every
 * transaction reads a snapshot taken at BEGIN, and a COMMIT fails with error 24556 (the whole
 * transaction rolled back) when a table it deleted from was committed to by another transaction
 * after that snapshot. Conflicts are per table, not per row, as on Fabric.
 *
 * <p>To make the race certain rather than likely, the first {@code parties} transactions wait at
 * COMMIT until all of them have begun: both loaders then hold a snapshot older than the winner's
 * commit.
 */
final class SnapshotIsolationEngine implements RecordingJdbc.Engine {

    static final int UPDATE_CONFLICT = 24556;
    private static final Pattern DELETE = Pattern.compile("^DELETE FROM (\\[[^\\]]+\\]\\.\\[[^\\]]+\\])");

    private final CountDownLatch begun;
    private final Map<String, Long> committedAt = new HashMap<>();
    private final Map<RecordingJdbc, Transaction> open = new HashMap<>();
    private long version;
    int commits;
    int conflicts;

    private static final class Transaction {
        final long snapshot;
        final Set<String> deletedFrom = new HashSet<>();

        Transaction(long snapshot) {
            this.snapshot = snapshot;
        }
    }

    SnapshotIsolationEngine(int parties) {
        this.begun = new CountDownLatch(parties);
    }

    @Override
    public void execute(RecordingJdbc source, String sql) throws SQLException {
        if (sql.equals(TSqlPlanRunner.T_SQL.begin().sql())) {
            synchronized (this) {
                open.put(source, new Transaction(version));
            }
            begun.countDown();
        } else if (sql.equals(TSqlPlanRunner.T_SQL.commit().sql())) {
            try {
                if (!begun.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other loader never began its transaction");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            commit(source);
        } else if (sql.equals(TSqlPlanRunner.T_SQL.rollback().sql())) {
            synchronized (this) {
                open.remove(source);
            }
        } else {
            Matcher m = DELETE.matcher(sql);
            if (m.find()) {
                synchronized (this) {
                    Transaction tx = open.get(source);
                    if (tx != null) {
                        tx.deletedFrom.add(m.group(1));
                    }
                }
            }
        }
    }

    private synchronized void commit(RecordingJdbc source) throws SQLException {
        Transaction tx = open.remove(source);
        for (String table : tx.deletedFrom) {
            if (committedAt.getOrDefault(table, -1L) > tx.snapshot) {
                conflicts++;
                throw new SQLException(
                        "Snapshot isolation transaction aborted due to update conflict. Using"
                                + " snapshot isolation to access table '" + table
                                + "' directly or indirectly in database"
                                + " 'fhirpipe' can cause update conflicts if rows in that table have been deleted or"
                                + " updated by another concurrent transaction. Retry the transaction.",
                        "S0001",
                        UPDATE_CONFLICT);
            }
        }
        version++;
        tx.deletedFrom.forEach(t -> committedAt.put(t, version));
        commits++;
    }
}
