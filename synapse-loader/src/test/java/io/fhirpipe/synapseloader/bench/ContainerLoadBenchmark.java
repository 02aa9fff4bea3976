package io.fhirpipe.synapseloader.bench;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.chunk.ChunkSource;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedSnapshots;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The loader as the local stack sizes it, on chunk files already cut (e.g. 100,000-line files of
 * the load generator's 13 types): DuckDB with the service's settings, every shipped view, two
 * chunks in flight, curated Parquet debounced as the service does (after a load when due, a flush
 * timer, a final flush). Prints rows/s, where the time went (chunk loads, snapshots), and the
 * process's peak resident memory ({@code VmHWM}); run it with the service's JVM options, e.g.
 *
 * <pre>
 * java -Xmx96m -XX:+UseSerialGC ... -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   io.fhirpipe.synapseloader.bench.ContainerLoadBenchmark /tmp/chunks /tmp/work 192MB 1
 * </pre>
 *
 * <p>Args: {@code chunkDir workDir [memoryLimit=192MB] [threads=1] [curatedIntervalSeconds=15]
 * [typed=views] [checkpointThreshold=16MB]}; {@code -Dbench.concurrency=2},
 * {@code -Dbench.parquet=true}. Chunk files are named {@code {Type}-{n}.ndjson}.
 */
public final class ContainerLoadBenchmark {

    public static void main(String[] args) throws Exception {
        long cpuStart = cpuNanos();
        Path chunkDir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Optional<String> memoryLimit =
                Optional.of(args.length > 2 ? args[2] : "192MB").filter(m -> !m.equals("default"));
        Optional<Integer> threads = Optional.of(args.length > 3 ? args[3] : "1")
                .filter(t -> !t.equals("default"))
                .map(Integer::parseInt);
        Duration curatedInterval = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 15);
        TypedStorage typed =
                TypedStorage.parse(args.length > 5 ? args[5] : "views").orElseThrow();
        Optional<String> checkpoint = Optional.of(args.length > 6 ? args[6] : "16MB");
        int concurrency = Integer.getInteger("bench.concurrency", 2);
        boolean parquet = Boolean.parseBoolean(System.getProperty("bench.parquet", "true"));

        LoaderBenchmark.clean(work);
        Files.createDirectories(work);
        List<LoaderBenchmark.Chunk> chunks = new ArrayList<>();
        try (Stream<Path> files = Files.list(chunkDir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList()) {
                String name = f.getFileName().toString();
                String type = name.substring(0, name.indexOf('-'));
                long lines;
                try (Stream<String> l = Files.lines(f)) {
                    lines = l.count();
                }
                String stem = name.substring(0, name.length() - ".ndjson".length());
                ChunkReady event = new ChunkReady(
                        "bench",
                        type,
                        "bench/" + name,
                        "0xBENCH",
                        "bench/" + stem + "/0xBENCH/000000.ndjson",
                        0,
                        lines,
                        Files.size(f),
                        LoaderBenchmark.sha256(f));
                chunks.add(new LoaderBenchmark.Chunk(f, type, event, lines));
            }
        }
        long totalLines =
                chunks.stream().mapToLong(LoaderBenchmark.Chunk::lines).sum();
        long totalBytes = 0;
        for (LoaderBenchmark.Chunk c : chunks) {
            totalBytes += Files.size(c.file());
        }
        System.out.printf(
                "%d chunks, %,d lines, %.1f MB; DuckDB memory_limit %s, threads %s, typed %s, "
                        + "checkpoint_threshold %s; %d in flight; curated Parquet %s%n",
                chunks.size(),
                totalLines,
                totalBytes / 1048576.0,
                memoryLimit.orElse("default"),
                threads.map(String::valueOf).orElse("default"),
                typed.configName(),
                checkpoint.orElse("default"),
                concurrency,
                parquet ? "every " + curatedInterval.toSeconds() + " s at most + timer + final flush" : "off");

        Map<String, Path> files = new ConcurrentHashMap<>();
        chunks.forEach(c -> files.put(c.event().chunkBlob(), c.file()));
        ChunkSource source = (ChunkRef chunk, Path dir) -> {
            Path f = files.get(chunk.chunkBlob());
            if (f == null) {
                throw new ChunkFailure(ChunkFailure.CHUNK_NOT_FOUND, chunk.chunkBlob());
            }
            return new ChunkSource.LocalChunk(f, false);
        };
        Path curated = work.resolve("curated");
        AtomicLong snapshotFiles = new AtomicLong();
        AtomicLong sinkNanos = new AtomicLong();
        CuratedSink sink = (type, view, file) -> {
            long t = System.nanoTime();
            try {
                Files.createDirectories(curated.resolve(type));
                Files.copy(
                        file,
                        curated.resolve(type).resolve(view + ".parquet"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            snapshotFiles.incrementAndGet();
            sinkNanos.addAndGet(System.nanoTime() - t);
        };
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.empty());
        Path workDir = work.resolve("work");
        Peak peak = new Peak();
        long start = System.nanoTime();
        try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                work.resolve("bench.duckdb"), views, workDir, memoryLimit, threads, typed, checkpoint)) {
            // e.g. -Dbench.set="allocator_flush_threshold='16MB'": DuckDB settings to try before changing the loader's
            for (String set : System.getProperty("bench.set", "").split(";")) {
                if (!set.isBlank()) {
                    warehouse.query(c -> c.createStatement().execute("SET " + set));
                    System.out.println("SET " + set);
                }
            }
            ChunkLoader loader = new ChunkLoader(
                    warehouse,
                    source,
                    (c, r) -> {
                        if (!r.isEmpty()) {
                            throw new IllegalStateException("unexpected rejects in " + c.chunkBlob());
                        }
                    },
                    parquet ? Optional.of(sink) : Optional.empty(),
                    curatedInterval,
                    Optional.empty(),
                    workDir,
                    Clock.systemUTC());
            CuratedSnapshots snapshots = warehouse.curated().orElseThrow();
            io.fhirpipe.synapseloader.curated.CuratedFlushTimer timer = parquet
                    ? new io.fhirpipe.synapseloader.curated.CuratedFlushTimer(snapshots, sink, curatedInterval)
                    : null;
            AtomicLong loaded = new AtomicLong();
            List<Long> chunkMillis = new java.util.concurrent.CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (LoaderBenchmark.Chunk chunk : chunks) {
                    done.add(pool.submit(() -> {
                        long t = System.nanoTime();
                        loaded.addAndGet(loader.load(chunk.event()).rowsLoaded());
                        chunkMillis.add((System.nanoTime() - t) / 1_000_000);
                        peak.sample();
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            long loadsDone = System.nanoTime();
            System.out.printf(
                    "chunks loaded in %.1f s: %,.0f rows/s (%,d rows); per chunk ms: %s%n",
                    (loadsDone - start) / 1e9, loaded.get() / ((loadsDone - start) / 1e9), loaded.get(), chunkMillis);
            if (timer != null) {
                // as in the service: once loads have stopped for 15 s the timer writes what does not fit
                // at once in passes; then the shutdown's last flush
                Thread.sleep(Duration.ofSeconds(Long.getLong("bench.idle", 20)).toMillis());
                timer.close();
            }
            long flushed = System.nanoTime();
            peak.sample();
            long pending = warehouse.query(
                    c -> LoaderBenchmark.count(c, "SELECT count(*) FROM fhirpipe_state.curated_pending"));
            System.out.printf(
                    "curated flush after the loads (incl. %d s idle wait) %.1f s; %d Parquet files "
                            + "written in all (sink copy %.1f s); types still pending: %d%n",
                    Long.getLong("bench.idle", 20),
                    (flushed - loadsDone) / 1e9,
                    snapshotFiles.get(),
                    sinkNanos.get() / 1e9,
                    pending);
            System.out.printf(
                    "total %.1f s: %,.0f rows/s including the snapshots%n",
                    (flushed - start) / 1e9, loaded.get() / ((flushed - start) / 1e9));
            long rawRows = warehouse.query(c -> {
                long n = 0;
                for (String type : chunks.stream()
                        .map(LoaderBenchmark.Chunk::type)
                        .distinct()
                        .toList()) {
                    n += LoaderBenchmark.count(c, "SELECT count(*) FROM raw.\"" + type + "\"");
                }
                return n;
            });
            if (rawRows != totalLines) {
                throw new IllegalStateException("raw rows " + rawRows + " != lines " + totalLines);
            }
        }
        peak.sample();
        System.out.printf("process CPU time %.1f s%n", (cpuNanos() - cpuStart) / 1e9);
        System.out.printf(
                "peak RSS (VmHWM) %d MB; largest VmRSS sampled %d MB; heap max %d MB%n",
                Peak.status("VmHWM") / 1024,
                peak.maxRss / 1024,
                Runtime.getRuntime().maxMemory() / 1048576);
    }

    /** CPU time of the whole process (DuckDB's threads included): on a shared machine it varies less than wall time. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The process's resident memory from /proc/self/status, in KiB. */
    static final class Peak {
        volatile long maxRss;

        void sample() {
            maxRss = Math.max(maxRss, status("VmRSS"));
        }

        static long status(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return -1;
        }
    }
}
