package io.fhirpipe.loadgenerator.faults;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The warehouse's raw rows as {@code id|versionId}, read from the DuckDB file through JDBC once the
 * loader has let go of it (one process at a time). The driver is the loader's own jar, as
 * {@code ./fhirpipe sql} uses it, so the file is read by the DuckDB version that wrote it.
 */
final class WarehouseRows implements AutoCloseable {

    private final URLClassLoader loader;
    private final Connection connection;
    private final Set<String> rawTables = new java.util.HashSet<>();

    private WarehouseRows(URLClassLoader loader, Connection connection) throws SQLException {
        this.loader = loader;
        this.connection = connection;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'")) {
            while (rs.next()) {
                rawTables.add(rs.getString(1));
            }
        }
    }

    static WarehouseRows open(Path root, Path duckDb) throws Exception {
        Path jar;
        try (Stream<Path> jars = Files.list(root.resolve("synapse-loader/target/quarkus-app/lib/main"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("org.duckdb.duckdb_jdbc-"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("no DuckDB driver in the loader's build: build first"));
        }
        URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, WarehouseRows.class.getClassLoader());
        Driver driver = (Driver) Class.forName("org.duckdb.DuckDBDriver", true, loader)
                .getDeclaredConstructor()
                .newInstance();
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("duckdb.read_only", "true");
        return new WarehouseRows(loader, driver.connect("jdbc:duckdb:" + duckDb, properties));
    }

    /** Per type, every raw row whose id starts with the prefix, duplicates kept (a list, not a set). */
    Map<String, List<String>> rows(Map<String, String> idPrefix) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (Map.Entry<String, String> type : idPrefix.entrySet()) {
            List<String> pairs = new ArrayList<>();
            if (rawTables.contains(type.getKey())) {
                try (var s = connection.prepareStatement(
                        "SELECT id, version_id FROM raw.\"" + type.getKey() + "\" WHERE starts_with(id, ?)")) {
                    s.setString(1, type.getValue());
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            pairs.add(rs.getString(1) + "|" + rs.getString(2));
                        }
                    }
                }
            }
            rows.put(type.getKey(), pairs);
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        connection.close();
        loader.close();
    }
}
