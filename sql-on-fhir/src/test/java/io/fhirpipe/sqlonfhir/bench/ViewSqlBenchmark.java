package io.fhirpipe.sqlonfhir.bench;

import io.fhirpipe.sqlonfhir.defaults.DefaultViewDefinitions;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Times {@code CREATE TABLE AS} each default view (Patient, Observation, Encounter, Condition)
 * compiled for DuckDB over synthetic resources in an in-memory DuckDB, and prints seconds and
 * rows/s per view, plus a raw-only copy of the same table for scale.
 *
 * <p>Run with the test classpath, e.g. after {@code mvn -o -q -pl sql-on-fhir test-compile}:
 * {@code java -cp target/classes:target/test-classes:<deps>
 * io.fhirpipe.sqlonfhir.bench.ViewSqlBenchmark}.
 * Optional args: counts of patients observations encounters conditions (default 50000 100000
 * 50000 50000). {@code -Dbench.runs=N} timed runs per view (default 5, best and median printed);
 * {@code -Dbench.columns=true} also times each column alone.
 */
public final class ViewSqlBenchmark {

    private ViewSqlBenchmark() {}

    public static void main(String[] args) throws Exception {
        int patients = arg(args, 0, 50_000);
        int observations = arg(args, 1, 100_000);
        int encounters = arg(args, 2, 50_000);
        int conditions = arg(args, 3, 50_000);
        Map<String, ViewDefinition> views = new java.util.HashMap<>();
        for (ViewDefinition v : DefaultViewDefinitions.load()) {
            views.put(v.resource(), v);
        }
        Random random = new Random(42);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            load(s, "raw_patient", patients, i -> patient(i, random));
            load(s, "raw_observation", observations, i -> observation(i, random, patients));
            load(s, "raw_encounter", encounters, i -> encounter(i, random, patients));
            load(s, "raw_condition", conditions, i -> condition(i, random, patients));
            int runs = Integer.getInteger("bench.runs", 5);
            System.out.printf("%d timed runs per view; best and median seconds%n", runs);
            // the checksum (order-independent hash of all rows) lets runs of two compiler versions
            // be compared for identical results
            System.out.printf(
                    "%-12s %8s %9s %9s %12s %12s %20s%n",
                    "view", "rows", "best s", "median s", "rows/s best", "raw-copy s", "checksum");
            for (String type : new String[] {"Patient", "Observation", "Encounter", "Condition"}) {
                String raw = "raw_" + type.toLowerCase();
                CompiledView view = new ViewCompiler(new DuckDbDialect(), raw, "resource").compile(views.get(type));
                // warm-up on a slice so the first timing does not pay for one-off setup
                s.execute("CREATE OR REPLACE TABLE warm AS SELECT * FROM (" + view.select() + ") LIMIT 1000");
                double[] secs = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    s.execute("CREATE OR REPLACE TABLE typed_" + view.name() + " AS " + view.select());
                    secs[i] = (System.nanoTime() - t0) / 1e9;
                }
                java.util.Arrays.sort(secs);
                long rows = count(s, "typed_" + view.name());
                long t1 = System.nanoTime();
                s.execute("CREATE OR REPLACE TABLE copy_" + view.name() + " AS SELECT resource FROM " + raw);
                double rawSecs = (System.nanoTime() - t1) / 1e9;
                System.out.printf(
                        "%-12s %8d %9.3f %9.3f %12.0f %12.3f %20s%n",
                        view.name(),
                        rows,
                        secs[0],
                        secs[runs / 2],
                        rows / secs[0],
                        rawSecs,
                        checksum(s, "typed_" + view.name()));
                if (Boolean.getBoolean("bench.columns")) {
                    columns(s, views.get(type), raw);
                }
            }
        }
    }

    /** With -Dbench.columns=true: seconds per column, each compiled as a one-column view. */
    private static void columns(Statement s, ViewDefinition view, String raw) throws Exception {
        for (SelectNode node : view.select()) {
            for (Column col : node.columns()) {
                ViewDefinition one = new ViewDefinition(
                        view.name() + "_" + col.name(),
                        view.resource(),
                        view.constants(),
                        List.of(new SelectNode(List.of(col), null, null, List.of(), List.of())),
                        view.where());
                String select = new ViewCompiler(new DuckDbDialect(), raw, "resource")
                        .compile(one)
                        .select();
                long t0 = System.nanoTime();
                s.execute("CREATE OR REPLACE TABLE one_column AS " + select);
                System.out.printf("    %-22s %7.3f s%n", col.name(), (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static void load(Statement s, String table, int n, IntFunction<String> gen) throws Exception {
        Path file = Files.createTempFile(table, ".ndjson");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = 0; i < n; i++) {
                    w.write(gen.apply(i));
                    w.write('\n');
                }
            }
            s.execute("CREATE TABLE " + table + " AS SELECT CAST(json AS JSON) AS resource FROM "
                    + "read_json_objects('" + file.toString().replace("'", "''")
                    + "', format = 'newline_delimited')");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String checksum(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT bit_xor(hash(t)) FROM " + table + " AS t")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String meta() {
        return "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2024-03-01T10:00:00Z\"}";
    }

    private static String patient(int i, Random r) {
        boolean official = r.nextBoolean();
        return "{\"resourceType\":\"Patient\",\"id\":\"p" + i + "\"," + meta()
                + ",\"extension\":[{\"url\":\"http://example.org/race\",\"valueString\":\"x\"},"
                + "{\"url\":\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex\","
                + "\"valueCode\":\"" + (i % 2 == 0 ? "F" : "M") + "\"}],"
                + "\"identifier\":[{\"system\":\"urn:oid:mrn\",\"value\":\"MRN-" + i + "\"}],"
                + "\"active\":" + (i % 10 != 0) + ","
                + "\"name\":[{\"use\":\"" + (official ? "official" : "usual") + "\",\"family\":\"Fam" + i
                + "\",\"given\":[\"Given" + i + "\",\"Middle\"]},"
                + "{\"use\":\"nickname\",\"given\":[\"Nick\"]}"
                + (official ? "" : ",{\"use\":\"official\",\"family\":\"Off" + i + "\"}") + "],"
                + "\"telecom\":[{\"system\":\"email\",\"value\":\"p" + i + "@example.org\"},"
                + "{\"system\":\"phone\",\"value\":\"555-" + i + "\",\"use\":\"home\"}],"
                + "\"gender\":\"" + (i % 2 == 0 ? "female" : "male") + "\","
                + "\"birthDate\":\"19" + (50 + r.nextInt(50)) + "-0" + (1 + r.nextInt(9)) + "-1"
                + r.nextInt(10) + "\",\"deceasedBoolean\":false}";
    }

    private static String observation(int i, Random r, int patients) {
        boolean quantity = r.nextInt(3) != 0;
        return "{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\"," + meta()
                + ",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\""
                + (quantity ? "vital-signs" : "social-history") + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\","
                + "\"display\":\"Heart rate\"}],\"text\":\"Heart rate\"},"
                + "\"subject\":{\"reference\":\"Patient/p" + r.nextInt(patients) + "\"},"
                + "\"encounter\":{\"reference\":\"Encounter/e" + i + "\"},"
                + "\"effectiveDateTime\":\"2024-02-01T09:30:00Z\","
                + (quantity
                        ? "\"valueQuantity\":{\"value\":" + (50 + r.nextInt(100)) + ".5,\"unit\":\"beats/minute\"}"
                        : "\"valueCodeableConcept\":{\"coding\":[{\"code\":\"8517006\"}],\"text\":\"Ex\"}")
                + "}";
    }

    private static String encounter(int i, Random r, int patients) {
        return "{\"resourceType\":\"Encounter\",\"id\":\"e" + i + "\"," + meta()
                + ",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
                + "\"type\":[{\"coding\":[{\"code\":\"185349003\",\"display\":\"Check up\"}]}],"
                + "\"subject\":{\"reference\":\"Patient/p" + r.nextInt(patients) + "\"},"
                + "\"period\":{\"start\":\"2024-01-01T10:00:00Z\",\"end\":\"2024-01-01T10:30:00Z\"},"
                + "\"reasonCode\":[{\"coding\":[{\"code\":\"38341003\"}]}]}";
    }

    private static String condition(int i, Random r, int patients) {
        return "{\"resourceType\":\"Condition\",\"id\":\"c" + i + "\"," + meta()
                + ",\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
                + "\"verificationStatus\":{\"coding\":[{\"code\":\"confirmed\"}]},"
                + "\"category\":[{\"coding\":[{\"code\":\"problem-list-item\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\","
                + "\"display\":\"Diabetes\"}]},"
                + "\"subject\":{\"reference\":\"Patient/p" + r.nextInt(patients) + "\"},"
                + "\"encounter\":{\"reference\":\"Encounter/e" + i + "\"},"
                + "\"onsetDateTime\":\"2020-01-01\",\"recordedDate\":\"2020-01-02\"}";
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }
}
