package io.fhirpipe.synapseloader.api;

import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.fhirpipe.synapseloader.warehouse.WarehouseQueries;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local warehouse holds, for the demo and for people looking at it while the loader runs
 * (DuckDB lets one process open the file, so other processes cannot read it meanwhile). Fixed
 * queries only: this is not a SQL endpoint.
 */
@Path("/warehouse")
@Blocking
public class WarehouseResource {

    /** Observations per code with their patients and average value, joined to the typed Patient table. */
    public static final String SAMPLE_QUERY = """
            SELECT o.code_display AS observation, count(*) AS observations,
                   count(DISTINCT p.id) AS patients,
                   round(avg(TRY_CAST(o.value_quantity AS DOUBLE)), 1) AS average, any_value(o.value_unit) AS unit
            FROM observation o JOIN patient p ON p.id = o.patient_id
            GROUP BY o.code_display ORDER BY observations DESC, observation LIMIT 8""";

    /** Without {@link Warehouse#queries()} with a T-SQL dialect: Synapse and Fabric have their own query tools. */
    @Inject
    Warehouse warehouse;

    public record Table(String name, long rows) {}

    public record Tables(List<Table> tables) {}

    public record Sample(String sql, List<String> columns, List<List<Object>> rows) {}

    /** {@code last_updated} of the given ids' rows in a typed view; ids without a row are absent. */
    public record LastUpdated(String view, Map<String, String> rows) {}

    /** At most this many ids per request: the ids travel in the query string. */
    static final int MAX_IDS = 200;

    /** Every raw and typed table or view with its row count ({@code raw.Type} and the views' names). */
    @GET
    @Path("/tables")
    @Produces(MediaType.APPLICATION_JSON)
    public Response tables() {
        if (warehouse.queries().isEmpty()) {
            return notDuckDb();
        }
        WarehouseQueries queries = warehouse.queries().get();
        return Response.ok(queries.query(c -> {
                    List<String[]> names = new ArrayList<>();
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT schema_name, name FROM ("
                                    + "SELECT schema_name, table_name AS name FROM duckdb_tables() "
                                    + "WHERE NOT temporary AND database_name = current_database() "
                                    + "AND schema_name IN ('main', 'raw') "
                                    // typed views (fhirpipe.loader.duckdb.typed=views) count like tables
                                    + "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
                                    + "WHERE NOT temporary AND NOT internal AND database_name = current_database() "
                                    + "AND schema_name = 'main') ORDER BY schema_name, name")) {
                        while (rs.next()) {
                            names.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                    List<Table> tables = new ArrayList<>();
                    for (String[] n : names) {
                        String display = n[0].equals("main") ? n[1] : n[0] + "." + n[1];
                        try (Statement s = c.createStatement();
                                ResultSet rs =
                                        s.executeQuery("SELECT count(*) FROM " + quote(n[0]) + "." + quote(n[1]))) {
                            rs.next();
                            tables.add(new Table(display, rs.getLong(1)));
                        }
                    }
                    return new Tables(tables);
                }))
                .build();
    }

    @GET
    @Path("/sample")
    @Produces(MediaType.APPLICATION_JSON)
    public Response sample() {
        if (warehouse.queries().isEmpty()) {
            return notDuckDb();
        }
        WarehouseQueries queries = warehouse.queries().get();
        return Response.ok(queries.query(c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(SAMPLE_QUERY)) {
                        int n = rs.getMetaData().getColumnCount();
                        List<String> columns = new ArrayList<>();
                        for (int i = 1; i <= n; i++) {
                            columns.add(rs.getMetaData().getColumnLabel(i));
                        }
                        List<List<Object>> rows = new ArrayList<>();
                        while (rs.next()) {
                            List<Object> row = new ArrayList<>();
                            for (int i = 1; i <= n; i++) {
                                Object v = rs.getObject(i);
                                row.add(v == null || v instanceof Number || v instanceof Boolean ? v : v.toString());
                            }
                            rows.add(row);
                        }
                        return new Sample(SAMPLE_QUERY, columns, rows);
                    }
                }))
                .build();
    }

    /**
     * When the rows of some resources reached a typed view: their {@code last_updated} (the version's
     * {@code meta.lastUpdated}) by id, so a client that wrote a version can tell when it is queryable
     * ({@code ./fhirpipe freshness}). Only views of the main schema with a {@code last_updated} column.
     */
    @GET
    @Path("/views/{view}/last-updated")
    @Produces(MediaType.APPLICATION_JSON)
    public Response lastUpdated(@PathParam("view") String view, @QueryParam("id") List<String> ids) {
        if (warehouse.queries().isEmpty()) {
            return notDuckDb();
        }
        WarehouseQueries queries = warehouse.queries().get();
        if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS) {
            return problem(400, "urn:fhirpipe:problem:bad-ids", "Bad ids", "give 1 to " + MAX_IDS + " id parameters");
        }
        LastUpdated answer = queries.query(c -> {
            try (PreparedStatement known = c.prepareStatement("SELECT count(*) FROM duckdb_columns() "
                    + "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? "
                    + "AND column_name = 'last_updated'")) {
                known.setString(1, view);
                try (ResultSet rs = known.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return null;
                    }
                }
            }
            // epoch microseconds: the instant whatever the session's time zone
            String sql = "SELECT " + quote(LoaderViews.RESOURCE_KEY)
                    + ", epoch_us(last_updated) FROM main." + quote(view) + " WHERE "
                    + quote(LoaderViews.RESOURCE_KEY) + " IN ("
                    + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
            Map<String, String> rows = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < ids.size(); i++) {
                    s.setString(i + 1, ids.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long micros = rs.getLong(2);
                        rows.put(
                                rs.getString(1),
                                rs.wasNull()
                                        ? null
                                        : Instant.ofEpochSecond(
                                                        Math.floorDiv(micros, 1_000_000L),
                                                        Math.floorMod(micros, 1_000_000L) * 1000L)
                                                .toString());
                    }
                }
            }
            return new LastUpdated(view, rows);
        });
        return answer == null
                ? problem(
                        404,
                        "urn:fhirpipe:problem:no-such-view",
                        "No such view",
                        "no typed view or table '" + view + "' with a last_updated column")
                : Response.ok(answer).build();
    }

    private static Response problem(int status, String type, String title, String detail) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of("type", type, "title", title, "status", status, "detail", detail))
                .build();
    }

    private static Response notDuckDb() {
        return problem(
                404,
                "urn:fhirpipe:problem:no-local-warehouse",
                "No local warehouse",
                "this loader writes to a Synapse or Fabric warehouse (fhirpipe.loader.dialect);"
                        + " /warehouse describes the local DuckDB warehouse only");
    }

    /** Names come from DuckDB's own catalogue; quoted all the same. */
    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
