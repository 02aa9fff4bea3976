package io.fhirpipe.synapseloader.duckdb;

import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.SQL;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.transientFailure;

import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedSnapshots;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The DuckDB warehouse's curated Parquet snapshots: a type's typed tables (or views) written to
 * Parquet after its rows changed ({@code fhirpipe_state.curated_pending}, set in the load
 * transaction), debounced, in passes when a view does not fit DuckDB's memory_limit at once.
 */
final class DuckDbSnapshots implements CuratedSnapshots {

    private static final Logger LOG = Logger.getLogger(DuckDbSnapshots.class);

    /** How long chunk loads must have stopped before a snapshot may be written in passes. */
    static final Duration IDLE_BEFORE_PASSES = Duration.ofSeconds(15);
    /**
     * System.nanoTime() of the last complete {@link #publish}; starts at opening, so the first
     * debounced snapshot waits an interval too (a marker left by an earlier run is the timer's).
     */
    private long lastCuratedNanos = System.nanoTime();
    /** When the last chunk load asked for its snapshot: passes wait until loads have stopped. */
    private volatile long lastLoadNanos = System.nanoTime();
    /** Set by the flush timer while loads have stopped; guarded by the warehouse lock. */
    private boolean snapshotsInPasses;

    private final Connection connection;
    private final ReentrantLock lock;
    private final LoaderViews views;
    private final Path workDirectory;

    DuckDbSnapshots(Connection connection, ReentrantLock lock, LoaderViews views, Path workDirectory) {
        this.connection = connection;
        this.lock = lock;
        this.views = views;
        this.workDirectory = workDirectory;
    }

    /**
     * Writes a Parquet snapshot of every typed table (or view: the same SELECT reads either) of every
     * type whose rows changed since its last snapshot, hands it to {@code sink}, then clears the marker.
     */
    @Override
    public void publish(CuratedSink sink) {
        requireLocked();
        List<String> pending = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT resource_type FROM fhirpipe_state.curated_pending ORDER BY 1")) {
            while (rs.next()) {
                pending.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw transientFailure("reading pending curated snapshots", e);
        }
        for (String type : pending) {
            for (TypedView view : views.forType(type)) {
                Path file = workDirectory.resolve(view.table() + "-" + UUID.randomUUID() + ".parquet");
                try {
                    writeParquet(view, file);
                    sink.put(type, view.table(), file);
                } catch (SQLException e) {
                    throw transientFailure("writing Parquet of " + view.table(), e);
                } finally {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a temp file left behind is harmless
                    }
                }
            }
            try (PreparedStatement p =
                    connection.prepareStatement("DELETE FROM fhirpipe_state.curated_pending WHERE resource_type = ?")) {
                p.setString(1, type);
                p.executeUpdate();
            } catch (SQLException e) {
                throw transientFailure("clearing the curated marker of " + type, e);
            }
        }
        // only a complete pass counts: after a failure the next call tries again at once
        lastCuratedNanos = System.nanoTime();
    }

    /**
     * One typed table's rows into one Parquet file. With {@link TypedStorage#VIEWS} every column is a
     * JSON evaluation over the raw table, and DuckDB keeps a parse arena per JSON function call, each
     * as large as a vector's (2,048) documents parsed: a view with a dozen JSON calls needs 400 MB
     * whatever the table's size, far more than a container's memory_limit, and failed with "Out of
     * Memory" on every snapshot. Such a view is evaluated in passes instead: a set of columns that
     * does not fit is halved until each half fits, each pass goes into a temporary table (spilled to
     * temp_directory when large), and the passes are joined by position into the file. A set that
     * does not fit fails on its first vector, so trying it costs little. Insertion order is kept
     * for these statements: that is what lines the passes' rows up.
     */
    private void writeParquet(TypedView view, Path file) throws SQLException {
        List<String> columns = view.columns().stream().map(SQL::quote).toList();
        String target = " TO " + SQL.string(file.toString()) + " (FORMAT parquet)";
        try {
            execute("COPY (SELECT " + String.join(", ", columns) + " FROM " + SQL.quote(view.table()) + ")" + target);
            return;
        } catch (SQLException e) {
            if (!outOfMemory(e) || columns.size() == 1 || !snapshotsInPasses) {
                throw e;
            }
            LOG.debugf("curated snapshot of %s does not fit in DuckDB's memory_limit at once: in passes", view.table());
        }
        List<String> passes = new ArrayList<>();
        execute("SET preserve_insertion_order = true");
        try {
            evaluate(view.table(), columns, passes);
            execute("COPY (SELECT * FROM " + String.join(" POSITIONAL JOIN ", passes) + ")" + target);
        } finally {
            for (String pass : passes) {
                execute("DROP TABLE IF EXISTS " + pass);
            }
            execute("SET preserve_insertion_order = false");
        }
    }

    /** Columns of a view into temporary tables, as many per table as fit; appends the tables in column order. */
    private void evaluate(String view, List<String> columns, List<String> passes) throws SQLException {
        String pass = "_curated_pass_" + passes.size();
        try {
            execute("CREATE OR REPLACE TEMP TABLE " + pass + " AS SELECT " + String.join(", ", columns) + " FROM "
                    + SQL.quote(view));
            passes.add(pass);
        } catch (SQLException e) {
            if (!outOfMemory(e) || columns.size() == 1) {
                throw e;
            }
            evaluate(view, columns.subList(0, columns.size() / 2), passes);
            evaluate(view, columns.subList(columns.size() / 2, columns.size()), passes);
        }
    }

    private void execute(String sql) throws SQLException {
        DuckDbSql.execute(connection, sql);
    }

    private static boolean outOfMemory(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("Out of Memory");
    }

    /**
     * Debounced {@link #publish}: writes the snapshots only when at least {@code minInterval}
     * has passed since the last one this process wrote (or since it opened the database). A snapshot is a
     * full rewrite of each pending type's typed tables, so writing it after every chunk makes a
     * load cost grow with the table; in between, the {@code curated_pending} marker (committed with
     * the rows) remembers what is behind, and {@link #flush} on a timer catches up once the
     * chunks stop coming. Requires the warehouse lock, like the loads.
     *
     * @return whether snapshots were written (nothing may have been pending)
     */
    @Override
    public boolean publishIfDue(CuratedSink sink, Duration minInterval) {
        requireLocked();
        lastLoadNanos = System.nanoTime();
        if (System.nanoTime() - lastCuratedNanos < minInterval.toNanos()) {
            return false;
        }
        publish(sink);
        return true;
    }

    /**
     * Writes every pending snapshot now, whatever the interval: for a timer (or shutdown) so the
     * curated Parquet never stays behind the tables for longer than the timer's period once loads
     * stop. Takes the warehouse lock itself, waiting for a load in progress to finish.
     */
    @Override
    public void flush(CuratedSink sink) {
        flush(sink, IDLE_BEFORE_PASSES);
    }

    /**
     * A snapshot in passes (see {@link #writeParquet}) of a large table takes minutes and holds the
     * lock, so it runs only once chunk loads have stopped for {@code idleBeforePasses}: during an
     * export a snapshot that does not fit stays pending (one failed attempt, cheap) and the loads go
     * on at full speed; the timer writes it in the first quiet moment.
     */
    void flush(CuratedSink sink, Duration idleBeforePasses) {
        lock.lock();
        try {
            snapshotsInPasses = System.nanoTime() - lastLoadNanos >= idleBeforePasses.toNanos();
            publish(sink);
        } finally {
            snapshotsInPasses = false;
            lock.unlock();
        }
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the warehouse lock must be held");
        }
    }
}
