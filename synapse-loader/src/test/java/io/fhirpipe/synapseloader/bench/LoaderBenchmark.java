package io.fhirpipe.synapseloader.bench;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.chunk.ChunkSource;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.duckdb.DuckDBDriver;

/**
 * Loads generated chunks (synthetic Observations and Patients, 100k lines each) into DuckDB through
 * the loader's own code (ChunkLoader: screen, ledger, latest-version merge, typed tables or views,
 * curated Parquet written to a local folder instead of blob storage) with as many chunks in flight
 * as the service takes ({@code smallrye.messaging.worker.chunk-loads.max-concurrency}: each delivery is fetched and screened
 * outside the warehouse lock while another loads), and, in the same run, the same files with
 * DuckDB's own {@code INSERT INTO t SELECT ... FROM read_ndjson_objects(...)}, one file after the
 * other; prints rows/s of each and the ratios. Every runner has its own fresh database and runs on
 * its own, one after the other.
 *
 * <p>It also prints the time the curated snapshots took, and the line screen with its SHA-256 on its own.
 *
 * <p>Usage: {@code LoaderBenchmark [sizeMB=1024] [workDir=/tmp/fhirpipe-loader-bench] [linesPerChunk=100000]
 * [curatedIntervalSeconds=15] [checkpointThreshold=default]} with {@code -Dbench.concurrency=2} (chunks in
 * flight), {@code -Dbench.rounds=1} and {@code -Dbench.runners=own-raw,views-noparquet} (only those);
 * a checkpoint threshold (e.g. 256MB,
 * {@code fhirpipe.loader.duckdb.checkpoint-threshold}) applies to every runner, DuckDB's own included,
 * so the comparison stays fair. Run it with a small heap, e.g.
 * {@code java -Xmx512m -cp target/classes:target/test-classes:<test classpath> ...LoaderBenchmark 1024}.
 */
public final class LoaderBenchmark {

    record Chunk(Path file, String type, ChunkReady event, long lines) {}

    public static void main(String[] args) throws Exception {
        long sizeMb = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path work = Path.of(args.length > 1 ? args[1] : "/tmp/fhirpipe-loader-bench");
        int linesPerChunk = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        java.time.Duration curatedInterval =
                java.time.Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 15);
        Optional<String> checkpoint =
                args.length > 4 && !args[4].equals("default") ? Optional.of(args[4]) : Optional.empty();
        System.out.printf("checkpoint_threshold: %s (every runner)%n", checkpoint.orElse("DuckDB default"));
        clean(work);
        Files.createDirectories(work.resolve("chunks"));
        long t0 = System.nanoTime();
        List<Chunk> chunks = generate(work.resolve("chunks"), sizeMb * 1024 * 1024, linesPerChunk);
        long bytes = 0;
        long lines = 0;
        for (Chunk c : chunks) {
            bytes += Files.size(c.file());
            lines += c.lines();
        }
        System.out.printf(
                "generated %d chunks, %d lines, %.1f MB in %.1f s%n",
                chunks.size(), lines, bytes / 1048576.0, (System.nanoTime() - t0) / 1e9);

        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.of(List.of("Observation", "Patient")));

        int concurrency = Integer.getInteger("bench.concurrency", 2);
        int rounds = Integer.getInteger("bench.rounds", 1);
        // e.g. -Dbench.runners=own-raw,views-noparquet for more rounds of the headline pair
        List<String> only = System.getProperty("bench.runners", "").isBlank()
                ? List.of()
                : List.of(System.getProperty("bench.runners").split(","));
        System.out.printf(
                "loader: %d chunks in flight (the service's FHIRPIPE_LOADER_CONCURRENCY), %d round(s)%n",
                concurrency, rounds);
        List<String> names = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, Long> nanos = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            Path roundDir = work.resolve("round-" + round);
            Files.createDirectories(roundDir);
            // each runner on its own fresh database, one after the other, so none competes with another
            List<Runner> runners = List.of(
                    new OwnRunner(roundDir.resolve("own-raw.duckdb"), views, false, checkpoint),
                    new OwnRunner(roundDir.resolve("own-typed.duckdb"), views, true, checkpoint),
                    new LoaderRunner(
                            roundDir,
                            "tables-noparquet",
                            chunks,
                            views,
                            null,
                            TypedStorage.TABLES,
                            checkpoint,
                            concurrency),
                    new LoaderRunner(
                            roundDir,
                            "tables",
                            chunks,
                            views,
                            curatedInterval,
                            TypedStorage.TABLES,
                            checkpoint,
                            concurrency),
                    new LoaderRunner(
                            roundDir,
                            "views-noparquet",
                            chunks,
                            views,
                            null,
                            TypedStorage.VIEWS,
                            checkpoint,
                            concurrency),
                    new LoaderRunner(
                            roundDir, "views-noparquet-serial", chunks, views, null, TypedStorage.VIEWS, checkpoint, 1),
                    new LoaderRunner(
                            roundDir,
                            "views",
                            chunks,
                            views,
                            curatedInterval,
                            TypedStorage.VIEWS,
                            checkpoint,
                            concurrency));
            for (Runner runner : runners) {
                if (!only.isEmpty() && !only.contains(runner.name())) {
                    runner.close();
                    continue;
                }
                long t = System.nanoTime();
                runner.loadAll(chunks);
                // what is still behind is published at the end, as the service's timer would, and counts
                runner.finish();
                long d = System.nanoTime() - t;
                nanos.merge(runner.name(), d, Long::sum);
                if (round == 1) {
                    names.add(runner.name());
                    labels.add(runner.label());
                }
                System.out.printf("round %d %-24s %6.2f s%n", round, runner.name(), d / 1e9);
                if (runner instanceof LoaderRunner l && l.parquet) {
                    System.out.printf(
                            "    %-45s %8.2f s%n", "of which curated Parquet snapshots", l.snapshotNanos / 1e9);
                }
                runner.close();
            }
        }
        long screenNanos = 0;
        io.fhirpipe.synapseloader.lines.ResourceLineScreen screen =
                new io.fhirpipe.synapseloader.lines.ResourceLineScreen();
        for (Chunk c : chunks) {
            long t = System.nanoTime();
            screen.screen(c.file(), c.type(), work);
            screenNanos += System.nanoTime() - t;
        }
        System.out.printf(
                "line screen + SHA-256 alone, all chunks once, one thread: %.2f s (%.0f MB/s)%n",
                screenNanos / 1e9, bytes / 1048576.0 / (screenNanos / 1e9));
        Map<String, Double> rate = new java.util.LinkedHashMap<>();
        for (int r = 0; r < names.size(); r++) {
            double seconds = nanos.get(names.get(r)) / 1e9 / rounds;
            rate.put(names.get(r), lines / seconds);
            System.out.printf("%-92s %6.1f s %,10.0f rows/s%n", labels.get(r), seconds, rate.get(names.get(r)));
        }
        for (String loader : names) {
            if (loader.startsWith("own-")) {
                continue;
            }
            System.out.printf(
                    "ratio %-24s / DuckDB own raw only: %s   / DuckDB own raw+typed: %s%n",
                    loader, ratio(rate, loader, "own-raw"), ratio(rate, loader, "own-typed"));
        }
        System.out.printf("target >= 0.70%n");
    }

    static String ratio(Map<String, Double> rate, String runner, String baseline) {
        return rate.containsKey(baseline) ? String.format("%.2f", rate.get(runner) / rate.get(baseline)) : "-";
    }

    interface Runner extends AutoCloseable {
        String name();

        String label();

        void loadAll(List<Chunk> chunks) throws Exception;

        default void finish() {}

        @Override
        void close();
    }

    /**
     * The loader's own code path: ChunkLoader with a local chunk source and, with Parquet, a local
     * curated folder written as the service does it: {@code publishIfDue} after each chunk,
     * {@code flush} at the end (the service's timer).
     */
    static final class LoaderRunner implements Runner {
        final String name;
        final TypedStorage typed;
        final boolean parquet;
        final java.time.Duration curatedInterval;
        final CuratedSink sink;
        int snapshots;
        long snapshotNanos;
        final DuckDbWarehouse warehouse;
        final ChunkLoader loader;
        final int concurrency;
        final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

        LoaderRunner(
                Path work,
                String name,
                List<Chunk> chunks,
                LoaderViews views,
                java.time.Duration curatedInterval,
                TypedStorage typed,
                Optional<String> checkpoint,
                int concurrency)
                throws IOException {
            this.name = name;
            this.concurrency = concurrency;
            this.typed = typed;
            this.parquet = curatedInterval != null;
            this.curatedInterval = curatedInterval;
            Path curated = work.resolve(name + "-curated");
            Files.createDirectories(curated);
            Map<String, Path> files = new ConcurrentHashMap<>();
            chunks.forEach(c -> files.put(c.event().chunkBlob(), c.file()));
            ChunkSource source = (ChunkRef chunk, Path dir) -> {
                Path f = files.get(chunk.chunkBlob());
                if (f == null) {
                    throw new ChunkFailure(ChunkFailure.CHUNK_NOT_FOUND, chunk.chunkBlob());
                }
                return new ChunkSource.LocalChunk(f, false);
            };
            sink = (type, view, file) -> {
                try {
                    Files.createDirectories(curated.resolve(type));
                    Files.copy(
                            file,
                            curated.resolve(type).resolve(view + ".parquet"),
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            warehouse = DuckDbWarehouse.open(
                    work.resolve(name + ".duckdb"),
                    views,
                    work.resolve(name + "-work"),
                    Optional.of(MEMORY),
                    Optional.empty(),
                    typed,
                    checkpoint);
            loader = new ChunkLoader(
                    warehouse,
                    source,
                    (c, r) -> {
                        if (!r.isEmpty()) {
                            throw new IllegalStateException("unexpected rejects in " + c.chunkBlob());
                        }
                    },
                    Optional.empty(),
                    Optional.empty(),
                    work.resolve(name + "-work"),
                    Clock.systemUTC());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String label() {
            String kind =
                    (typed == TypedStorage.VIEWS ? "fhirpipe loader (typed views" : "fhirpipe loader (typed tables")
                            + ", " + concurrency + " in flight";
            return parquet
                    ? kind + ", curated Parquet at most every " + curatedInterval.toSeconds() + " s + final flush)"
                    : kind + ", no curated Parquet)";
        }

        /** As the service consumes: {@code concurrency} deliveries at once, each screened outside the lock. */
        @Override
        public void loadAll(List<Chunk> chunks) throws Exception {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (Chunk chunk : chunks) {
                    done.add(pool.submit(() -> load(chunk)));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }

        private void load(Chunk chunk) {
            LoadReport r = loader.load(chunk.event());
            total.addAndGet(r.rowsLoaded());
            if (parquet) {
                warehouse.lock().lock();
                try {
                    long t = System.nanoTime();
                    snapshots += warehouse.curated().orElseThrow().publishIfDue(sink, curatedInterval) ? 1 : 0;
                    snapshotNanos += System.nanoTime() - t;
                } finally {
                    warehouse.lock().unlock();
                }
            }
        }

        @Override
        public void finish() {
            if (parquet) {
                long t = System.nanoTime();
                warehouse.curated().orElseThrow().flush(sink);
                snapshotNanos += System.nanoTime() - t;
                snapshots++;
                System.out.printf("%s: %d curated snapshots written%n", name, snapshots);
            }
        }

        @Override
        public void close() {
            long rawRows = warehouse.query(conn -> count(
                    conn,
                    "SELECT (SELECT count(*) FROM raw.\"Observation\") " + "+ (SELECT count(*) FROM raw.\"Patient\")"));
            if (rawRows != total.get()) {
                throw new IllegalStateException(name + ": raw rows " + rawRows + " != loaded " + total);
            }
            warehouse.close();
        }
    }

    /** DuckDB's own INSERT INTO t SELECT ... FROM read_ndjson_objects(file), per file, same tables. */
    static final class OwnRunner implements Runner {
        final DuckDbDialect sql = new DuckDbDialect();
        final boolean typed;
        final LoaderViews views;
        final Connection connection;
        final Statement s;

        OwnRunner(Path db, LoaderViews views, boolean typed, Optional<String> checkpoint) throws Exception {
            this.typed = typed;
            this.views = views;
            connection = new DuckDBDriver().connect("jdbc:duckdb:" + db, new Properties());
            s = connection.createStatement();
            s.execute("SET memory_limit = '" + MEMORY + "'");
            if (checkpoint.isPresent()) {
                s.execute("SET checkpoint_threshold = " + sql.string(checkpoint.get()));
            }
            s.execute("CREATE SCHEMA raw");
            for (String type : List.of("Observation", "Patient")) {
                s.execute("CREATE TABLE raw.\"" + type + "\" (id VARCHAR NOT NULL, version_id VARCHAR, "
                        + "last_updated TIMESTAMPTZ, export_id VARCHAR NOT NULL, chunk VARCHAR NOT NULL, "
                        + "resource JSON NOT NULL)");
            }
        }

        @Override
        public String name() {
            return typed ? "own-typed" : "own-raw";
        }

        @Override
        public String label() {
            return typed
                    ? "DuckDB own INSERT ... SELECT FROM read_ndjson_objects: raw + typed views"
                    : "DuckDB own INSERT ... SELECT FROM read_ndjson_objects: raw table only";
        }

        @Override
        public void loadAll(List<Chunk> chunks) throws Exception {
            for (Chunk chunk : chunks) {
                load(chunk);
            }
        }

        private void load(Chunk chunk) throws Exception {
            String read = "SELECT k[1] AS id, k[2] AS version_id, TRY_CAST(k[3] AS TIMESTAMPTZ) AS last_updated, "
                    + sql.string(chunk.event().exportId()) + " AS export_id, "
                    + sql.string(chunk.event().chunkBlob()) + " AS chunk, json AS resource FROM ("
                    + "SELECT json_extract_string(json, ['$.id', '$.meta.versionId', '$.meta.lastUpdated']) AS k, "
                    + "json FROM read_ndjson_objects(" + sql.string(chunk.file().toString())
                    + ", format = 'newline_delimited'))";
            String raw = "raw.\"" + chunk.type() + "\"";
            if (!typed) {
                s.execute("INSERT INTO " + raw + " " + read);
                return;
            }
            // The same typed views, compiled against the chunk's rows, as plain inserts.
            s.execute("BEGIN");
            s.execute("CREATE OR REPLACE TEMP TABLE _chunk_rows AS " + read);
            s.execute("INSERT INTO " + raw + " SELECT * FROM _chunk_rows");
            for (TypedView view : views.forType(chunk.type())) {
                s.execute("CREATE TABLE IF NOT EXISTS " + sql.quote(view.table()) + " AS " + view.selectFromChunk()
                        + " LIMIT 0");
                s.execute("INSERT INTO " + sql.quote(view.table()) + " " + view.selectFromChunk());
            }
            s.execute("COMMIT");
        }

        @Override
        public void close() {
            try {
                s.close();
                connection.close();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final String MEMORY = "3GB";

    static long count(Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Chunk> generate(Path dir, long targetBytes, int linesPerChunk) throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        long written = 0;
        int n = 0;
        int id = 0;
        while (written < targetBytes) {
            // four Observation chunks to one Patient chunk, roughly what an export looks like
            String type = n % 5 == 1 ? "Patient" : "Observation";
            int fileIndex = n;
            String source = "bench/" + type + "-" + fileIndex + ".ndjson";
            String chunkBlob = "bench/" + type + "-" + fileIndex + "/0xBENCH/000000.ndjson";
            Path file = dir.resolve(type + "-" + fileIndex + ".ndjson");
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = 0; i < linesPerChunk; i++, id++) {
                    w.write(type.equals("Patient") ? patient(id) : observation(id));
                    w.write('\n');
                }
            }
            long size = Files.size(file);
            written += size;
            ChunkReady event =
                    new ChunkReady("bench", type, source, "0xBENCH", chunkBlob, 0, linesPerChunk, size, sha256(file));
            chunks.add(new Chunk(file, type, event, linesPerChunk));
            n++;
        }
        return chunks;
    }

    static String observation(int id) {
        int p = id / 20;
        return "{\"resourceType\":\"Observation\",\"id\":\"obs-" + id + "\",\"meta\":{\"versionId\":\"" + (1 + id % 3)
                + "\",\"lastUpdated\":\"2024-0" + (1 + id % 9) + "-1" + (id % 10) + "T0" + (id % 10) + ":12:34.567Z\"},"
                + "\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/"
                + "CodeSystem/observation-category\",\"code\":\"vital-signs\",\"display\":\"Vital Signs\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":"
                + "\"Heart rate\"}],\"text\":\"Heart rate\"},\"subject\":{\"reference\":\"Patient/pat-" + p + "\"},"
                + "\"encounter\":{\"reference\":\"Encounter/enc-" + (id / 5) + "\"},\"effectiveDateTime\":"
                + "\"2024-03-0" + (1 + id % 9) + "T08:" + (10 + id % 50) + ":00Z\",\"issued\":\"2024-03-0"
                + (1 + id % 9) + "T09:00:00.000Z\",\"valueQuantity\":{\"value\":" + (50 + id % 70) + "."
                + (id % 10) + ",\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":"
                + "\"/min\"}}";
    }

    static String patient(int id) {
        return "{\"resourceType\":\"Patient\",\"id\":\"pat-" + id + "\",\"meta\":{\"versionId\":\"1\","
                + "\"lastUpdated\":\"2024-02-0" + (1 + id % 9) + "T10:00:00Z\"},\"extension\":[{\"url\":"
                + "\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex\",\"valueCode\":\""
                + (id % 2 == 0 ? "F" : "M") + "\"}],\"identifier\":[{\"system\":\"urn:oid:1.2.36.146.595.217.0.1\","
                + "\"value\":\"MRN" + id + "\"}],\"active\":" + (id % 7 != 0) + ",\"name\":[{\"use\":\"official\","
                + "\"family\":\"Family" + (id % 1000) + "\",\"given\":[\"Given" + (id % 300) + "\",\"Middle\"]}],"
                + "\"telecom\":[{\"system\":\"phone\",\"value\":\"+1-555-" + id + "\",\"use\":\"home\"},"
                + "{\"system\":\"email\",\"value\":\"p" + id + "@example.org\"}],\"gender\":\""
                + (id % 2 == 0 ? "female" : "male") + "\",\"birthDate\":\"19" + (40 + id % 60) + "-0"
                + (1 + id % 9) + "-1" + (id % 10) + "\",\"address\":[{\"line\":[\"" + id + " Main St\"],"
                + "\"city\":\"Springfield\",\"postalCode\":\"0" + (id % 10000) + "\",\"country\":\"US\"}]}";
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private LoaderBenchmark() {}
}
