package io.fhirpipe.ndjsonsplitter.bench;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;
import io.fhirpipe.ndjsonsplitter.output.BlockUploader;
import io.fhirpipe.ndjsonsplitter.split.LandingFileSplitter;
import io.fhirpipe.ndjsonsplitter.split.SplitReport;
import io.fhirpipe.ndjsonsplitter.split.SplitSettings;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.storage.Azurite;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Not a test: splits a generated NDJSON file stored in Azurite and compares with a plain download +
 * upload of the same bytes through the same Azurite. Run with e.g. {@code -Xmx128m}; argument: MB.
 */
public final class SplitterBenchmark {

    public static void main(String[] args) throws Exception {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        // Outside Quarkus nobody configures JBoss LogManager, which then queues every record in memory
        // (records keep the SDK's requests, and with them the 1 MiB block bodies, reachable).
        org.jboss.logmanager.LogContext.getSystemLogContext().getLogger("").setLevel(java.util.logging.Level.WARNING);
        try (Azurite azurite = Azurite.start()) {
            BlobServiceClient service = azurite.blobServiceClient();
            BlobStorageClients.ensureContainers(service);
            String name = "bench/Patient-0.ndjson";
            BlobClient source =
                    service.getBlobContainerClient(Containers.LANDING).getBlobClient(name);
            long size = generate(source, megabytes * 1024 * 1024);
            String etag = source.getProperties().getETag();
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    "generated %d MB; heap used after GC %d MB%n",
                    size / (1024 * 1024), (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
            if (Boolean.getBoolean("bench.histogram")) {
                Object histogram = ManagementFactory.getPlatformMBeanServer()
                        .invoke(
                                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                                "gcClassHistogram",
                                new Object[] {null},
                                new String[] {String[].class.getName()});
                String.valueOf(histogram)
                        .lines()
                        .limit(Long.getLong("bench.histogram.lines", 14))
                        .forEach(System.out::println);
            }

            // Other processes share the cores, so load shifts between the two measurements; with
            // -Dbench.rounds=N they alternate N times and each round's ratio is printed.
            int rounds = Integer.getInteger("bench.rounds", 1);
            double mb = size / (1024.0 * 1024.0);
            for (int round = 1; round <= rounds; round++) {
                Usage beforeCopy = Usage.now();
                long t0 = System.nanoTime();
                BlobClient copy =
                        service.getBlobContainerClient(Containers.CHUNKS).getBlobClient("bench-plain-copy");
                try (BlockUploader uploader = new BlockUploader(4 * 1024 * 1024, 2);
                        InputStream in =
                                source.openInputStream(new BlobInputStreamOptions().setBlockSize(4 * 1024 * 1024))) {
                    try (OutputStream out = uploader.open(copy.getBlockBlobClient(), null, null)) {
                        in.transferTo(out);
                    }
                    uploader.awaitAll();
                }
                double copySeconds = (System.nanoTime() - t0) / 1e9;
                Usage afterCopy = Usage.now();

                LandingFileSplitter splitter = new LandingFileSplitter(
                        service,
                        SplitSettings.defaults(ChunkLimits.DEFAULT),
                        e -> CompletableFuture.completedFuture(null),
                        e -> CompletableFuture.completedFuture(null),
                        Clock.systemUTC());
                long t1 = System.nanoTime();
                SplitReport report = splitter.split(LandingBlob.parse(name).orElseThrow(), etag);
                double splitSeconds = (System.nanoTime() - t1) / 1e9;
                Usage afterSplit = Usage.now();

                if (rounds > 1) {
                    System.out.printf("round %d%n", round);
                }
                System.out.printf("plain copy: %.1f MB/s (%.1f s)%n", mb / copySeconds, copySeconds);
                System.out.printf(
                        "splitter:   %.1f MB/s (%.1f s), %d chunks, %d lines; ratio %.2f%n",
                        mb / splitSeconds,
                        splitSeconds,
                        report.chunks().size(),
                        report.completed().lineCount(),
                        copySeconds / splitSeconds);
                System.out.println("plain copy used " + afterCopy.minus(beforeCopy));
                System.out.println("splitter used   " + afterSplit.minus(afterCopy));
            }
            System.out.printf(
                    "heap max %d MB; peak RSS %s%n", Runtime.getRuntime().maxMemory() / (1024 * 1024), peakRss());
        }
    }

    private static long generate(BlobClient blob, long target) throws Exception {
        long written = 0;
        try (BlockUploader uploader = new BlockUploader(1024 * 1024, 2)) {
            OutputStream out = uploader.open(blob.getBlockBlobClient(), null, null);
            byte[] buffer = new byte[1 << 20];
            int pos = 0;
            for (long i = 0; written < target; i++) {
                byte[] line = ("{\"resourceType\":\"Patient\",\"id\":\"p" + i
                                + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-26T08:00:00Z\"},"
                                + "\"name\":[{\"family\":\"Family" + (i % 997) + "\",\"given\":[\"Given" + (i % 113)
                                + "\"]}],\"gender\":\"" + (i % 2 == 0 ? "female" : "male")
                                + "\",\"birthDate\":\"19" + (10 + i % 90) + "-01-01\",\"address\":[{\"city\":\"City"
                                + (i % 50) + "\",\"postalCode\":\"" + (10000 + i % 89999) + "\"}]}\n")
                        .getBytes(StandardCharsets.UTF_8);
                if (pos + line.length > buffer.length) {
                    out.write(buffer, 0, pos);
                    pos = 0;
                }
                System.arraycopy(line, 0, buffer, pos, line.length);
                pos += line.length;
                written += line.length;
            }
            out.write(buffer, 0, pos);
            out.close();
            uploader.awaitAll();
        }
        return written;
    }

    /**
     * CPU seconds of this JVM and of its child processes (Azurite), and GC work: on a shared 2-core
     * machine the splitter and Azurite compete for the same cores, so CPU per byte is what to cut.
     */
    private record Usage(double jvmCpu, double azuriteCpu, long gcCount, long gcMillis) {

        static Usage now() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
            double children = ProcessHandle.current()
                    .descendants()
                    .mapToDouble(Usage::cpuSeconds)
                    .sum();
            long count = 0;
            long millis = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new Usage(jvm, children, count, millis);
        }

        /** utime + stime from /proc/PID/stat (clock ticks, 100 per second on Linux). */
        private static double cpuSeconds(ProcessHandle process) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            } catch (Exception e) {
                return 0;
            }
        }

        Usage minus(Usage earlier) {
            return new Usage(
                    jvmCpu - earlier.jvmCpu,
                    azuriteCpu - earlier.azuriteCpu,
                    gcCount - earlier.gcCount,
                    gcMillis - earlier.gcMillis);
        }

        @Override
        public String toString() {
            return String.format(
                    "CPU: JVM %.1f s, Azurite %.1f s; GC: %d collections, %d ms",
                    jvmCpu, azuriteCpu, gcCount, gcMillis);
        }
    }

    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (Exception e) {
            return "unknown";
        }
        return "unknown (pid " + ManagementFactory.getRuntimeMXBean().getPid() + ")";
    }
}
