package io.fhirpipe.synapseloader.tsql;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A recording stand-in for an mssql-jdbc connection: no SQL Server runs here, so the T-SQL
 * warehouse's flow (which statements, in which order, on which connection, and what a driver
 * error turns into) is checked against this, and the statements' text against the golden files.
 * It executes nothing: queries answer from {@link #answer}, by default one row holding 0.
 */
public final class RecordingJdbc implements SqlConnectionSource {

    /** Every statement executed or queried, on any connection, in order. */
    public final List<String> statements = new ArrayList<>();

    public int opened;
    public int closed;
    /** When set, opening a connection fails with it (a paused pool, a refused login). */
    public SQLException refuseOpen;

    private Predicate<String> failWhen = sql -> false;
    private SQLException failure;
    private int failuresLeft;
    private Function<String, List<Object[]>> answer = sql -> List.<Object[]>of(new Object[] {0L});
    private Engine engine = (source, sql) -> {};

    /**
     * What a statement does to a warehouse several loaders share (each loader has its own
     * RecordingJdbc): it may throw, as the engine would, e.g. on a commit that conflicts.
     */
    @FunctionalInterface
    public interface Engine {
        void execute(RecordingJdbc source, String sql) throws SQLException;
    }

    /** Every statement also goes through {@code engine}, after it is recorded. */
    public RecordingJdbc engine(Engine engine) {
        this.engine = engine;
        return this;
    }

    /** The next {@code times} statements matching {@code when} throw {@code e}. */
    public RecordingJdbc failOn(Predicate<String> when, SQLException e, int times) {
        this.failWhen = when;
        this.failure = e;
        this.failuresLeft = times;
        return this;
    }

    /** Rows returned for a query. */
    public RecordingJdbc answer(Function<String, List<Object[]>> rows) {
        this.answer = rows;
        return this;
    }

    /** Statements recorded after the first {@code from}. */
    public List<String> since(int from) {
        return List.copyOf(statements.subList(from, statements.size()));
    }

    @Override
    public Connection open() throws SQLException {
        if (refuseOpen != null) {
            throw refuseOpen;
        }
        opened++;
        boolean[] isClosed = {false};
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement();
            case "setAutoCommit" -> null;
            case "isClosed" -> isClosed[0];
            case "close" -> {
                if (!isClosed[0]) {
                    closed++;
                }
                isClosed[0] = true;
                yield null;
            }
            case "toString" -> "RecordingConnection";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException("Connection." + method.getName());
        };
        return (Connection)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private Statement statement() {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "execute" -> {
                record((String) args[0]);
                yield false;
            }
            case "executeQuery" -> {
                record((String) args[0]);
                yield resultSet(answer.apply((String) args[0]));
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException("Statement." + method.getName());
        };
        return (Statement)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class}, handler);
    }

    private void record(String sql) throws SQLException {
        statements.add(sql);
        engine.execute(this, sql);
        if (failuresLeft > 0 && failWhen.test(sql)) {
            failuresLeft--;
            throw failure;
        }
    }

    private static ResultSet resultSet(List<Object[]> rows) {
        int[] at = {-1};
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "next" -> ++at[0] < rows.size();
            case "getLong" -> ((Number) rows.get(at[0])[(int) args[0] - 1]).longValue();
            case "getString" -> String.valueOf(rows.get(at[0])[(int) args[0] - 1]);
            case "getObject" -> ((Class<?>) args[1]).cast(rows.get(at[0])[(int) args[0] - 1]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException("ResultSet." + method.getName());
        };
        return (ResultSet)
                Proxy.newProxyInstance(RecordingJdbc.class.getClassLoader(), new Class<?>[] {ResultSet.class}, handler);
    }
}
