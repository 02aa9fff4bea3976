package io.fhirpipe.sqlonfhir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** An in-memory DuckDB with table raw_resources(resource JSON) holding the test resources. */
final class DuckDbFixture implements AutoCloseable {

    static final String[] RESOURCES = {
        "patient-p1",
        "patient-p2",
        "observation-o1",
        "observation-o2",
        "encounter-e1",
        "condition-c1",
        "procedure-pr1",
        "procedure-pr2",
        "medicationrequest-mr1",
        "medicationrequest-mr2",
        "immunization-im1",
        "immunization-im2",
        "allergyintolerance-ai1",
        "allergyintolerance-ai2",
        "diagnosticreport-dr1",
        "diagnosticreport-dr2",
        "documentreference-doc1",
        "organization-org1",
        "practitioner-dr1",
        "location-loc1"
    };

    private final Connection connection;

    DuckDbFixture() throws SQLException, IOException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE raw_resources (resource JSON)");
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO raw_resources VALUES (CAST(? AS JSON))")) {
            for (String name : RESOURCES) {
                insert.setString(1, resource(name));
                insert.executeUpdate();
            }
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = DuckDbFixture.class.getResourceAsStream("/fhir/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    Connection connection() {
        return connection;
    }

    /** Runs the SELECT and returns its rows sorted (the spec leaves row order unspecified). */
    List<List<Object>> rows(String select) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM (" + select + ") ORDER BY ALL")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(
                            v == null
                                            || v instanceof String
                                            || v instanceof Boolean
                                            || v instanceof Long
                                            || v instanceof Double
                                            || v instanceof Integer
                                    ? v
                                    : v.toString());
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
