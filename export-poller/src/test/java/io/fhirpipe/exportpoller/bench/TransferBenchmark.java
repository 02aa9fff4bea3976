package io.fhirpipe.exportpoller.bench;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fhirpipe.exportpoller.transfer.FileTransfer;
import io.fhirpipe.exportpoller.transfer.GeneratedNdjson;
import io.fhirpipe.exportpoller.transfer.LandedFile;
import io.fhirpipe.exportpoller.transfer.TransferSettings;
import io.fhirpipe.fhirclient.auth.NoAuthentication;
import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.ServerFlavor;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.storage.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * Transfers a generated NDJSON file (default 1 GiB) from a local HTTP server into Azurite with
 * the transfer code, and in the same run copies the same bytes with the plain Azure SDK
 * ({@code BlobClient.uploadWithResponse} straight from the HTTP response stream, with the same
 * block size and parallelism). Prints MB/s of both, their
 * ratio (target: transfer >= 0.8 of plain) and the peak RSS of this JVM. Run with -Xmx128m:
 *
 * <pre>
 * java -Xmx128m -cp target/test-classes:target/classes:$(cat cp.txt) \
 *     io.fhirpipe.exportpoller.bench.TransferBenchmark [bytes] [rounds] [blockMiB] [uploadConcurrency]
 * </pre>
 *
 * The file is generated to disk first and served with Content-Length, so neither side pays for
 * generating it. Azurite keeps blobs on disk (a temporary folder), as in the local stack.
 */
public final class TransferBenchmark {

    private static final double MB = 1_000_000.0;

    public static void main(String[] args) throws Exception {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int blockMiB = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        GeneratedNdjson generated = GeneratedNdjson.ofAtLeast(bytes);
        Path work = Files.createTempDirectory("transfer-bench");
        Path source = work.resolve("source.ndjson");
        try (OutputStream out = Files.newOutputStream(source)) {
            generated.writeTo(out);
        }
        System.out.printf(
                "file: %,d bytes, %,d lines; heap max %d MiB; block %d MiB x %d in flight%n",
                generated.size(), generated.lines(), Runtime.getRuntime().maxMemory() >> 20, blockMiB, concurrency);

        HttpServer http = serve(source);
        String base = "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
        ExecutorService uploads = Executors.newCachedThreadPool(daemon());
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon());
        try (Azurite azurite =
                Azurite.builder().dataDirectory(work.resolve("azurite")).start()) {
            BlobServiceClient service = azurite.blobServiceClient();
            BlobStorageClients.ensureContainers(service);
            BlobContainerClient landing = service.getBlobContainerClient(Containers.LANDING);
            TransferSettings settings = TransferSettings.defaults().withBlocks(blockMiB * 1024 * 1024, concurrency);
            FileTransfer transfer = new FileTransfer(landing, settings, uploads, watchdog, Clock.systemUTC());
            BulkDataClient server = new BulkDataClient(new FhirServer(
                    "bench",
                    URI.create(base),
                    ServerFlavor.STANDARD,
                    false,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    new NoAuthentication(),
                    io.fhirpipe.fhirclient.config.DeleteDetection.MANIFEST));
            HttpClient plainHttp = HttpClient.newHttpClient();

            // Warm-up (JIT, connections, Azurite) on 64 MB each, not measured.
            GeneratedNdjson warm = GeneratedNdjson.ofAtLeast(64L << 20);
            Path warmFile = work.resolve("warm.ndjson");
            try (OutputStream out = Files.newOutputStream(warmFile)) {
                warm.writeTo(out);
            }
            runTransfer(transfer, server, base + "/Binary/warm.ndjson", "warmup-t", null, warm.size());
            runPlain(
                    plainHttp,
                    landing,
                    base + "/Binary/warm.ndjson",
                    "warmup-p/Patient-0.ndjson",
                    warm.size(),
                    blockMiB << 20,
                    concurrency);

            List<Double> transferRates = new ArrayList<>();
            List<Double> plainRates = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double t = runTransfer(
                        transfer,
                        server,
                        base + "/Binary/source.ndjson",
                        "bench-t" + round,
                        generated.lines(),
                        generated.size());
                double p = runPlain(
                        plainHttp,
                        landing,
                        base + "/Binary/source.ndjson",
                        "bench-p" + round + "/Observation-0.ndjson",
                        generated.size(),
                        blockMiB << 20,
                        concurrency);
                transferRates.add(t);
                plainRates.add(p);
                System.out.printf(
                        "round %d: transfer %.1f MB/s, plain SDK %.1f MB/s, ratio %.2f%n", round, t, p, t / p);
                // Azurite keeps every blob on disk: delete this round's before the next.
                landing.getBlobClient("bench-t" + round + "/Observation-0.ndjson")
                        .deleteIfExists();
                landing.getBlobClient("bench-p" + round + "/Observation-0.ndjson")
                        .deleteIfExists();
            }
            double t = mean(transferRates);
            double p = mean(plainRates);
            System.out.printf(
                    "RESULT size=%,d bytes rounds=%d transfer=%.1f MB/s plain=%.1f MB/s ratio=%.2f (target >= 0.80)"
                            + " peakRSS(VmHWM)=%s heapMax=%d MiB%n",
                    generated.size(),
                    rounds,
                    t,
                    p,
                    t / p,
                    status("VmHWM"),
                    Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            http.stop(0);
            uploads.shutdownNow();
            watchdog.shutdownNow();
            deleteTree(work);
        }
    }

    private static double runTransfer(
            FileTransfer transfer, BulkDataClient server, String url, String exportId, Long lines, long size) {
        FileReady file =
                new FileReady(exportId, "bench", FileKind.OUTPUT, "Observation", 0, url, lines, false, Instant.now());
        long start = System.nanoTime();
        LandedFile landed =
                transfer.transfer(file, server, new LandingBlob(exportId, FileKind.OUTPUT, "Observation", 0, false));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (landed.bytes() != size) {
            throw new IllegalStateException("transfer landed " + landed.bytes() + " bytes, expected " + size);
        }
        System.out.printf("  transfer: %,d bytes, %,d lines in %.2f s%n", landed.bytes(), landed.lines(), seconds);
        return size / MB / seconds;
    }

    private static double runPlain(
            HttpClient http,
            BlobContainerClient landing,
            String url,
            String name,
            long size,
            int blockSize,
            int concurrency)
            throws IOException, InterruptedException {
        BlobClient blob = landing.getBlobClient(name);
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            // The SDK's defaults buffer a stream of up to 256 MB whole for one Put Blob (an OOM at
            // -Xmx128m), so the plain copy gets the same block size and parallelism as the transfer.
            blob.uploadWithResponse(
                    new BlobParallelUploadOptions(in)
                            .setParallelTransferOptions(new ParallelTransferOptions()
                                    .setBlockSizeLong((long) blockSize)
                                    .setMaxSingleUploadSizeLong((long) blockSize)
                                    .setMaxConcurrency(concurrency)),
                    null,
                    Context.NONE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        BlobProperties properties = blob.getProperties();
        if (properties.getBlobSize() != size) {
            throw new IllegalStateException(
                    "plain copy wrote " + properties.getBlobSize() + " bytes, expected " + size);
        }
        System.out.printf("  plain SDK: %,d bytes in %.2f s%n", size, seconds);
        return size / MB / seconds;
    }

    private static HttpServer serve(Path folder) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir/Binary/", exchange -> {
            try (HttpExchange e = exchange) {
                String name = e.getRequestURI().getPath().substring("/fhir/Binary/".length());
                Path file = folder.getParent().resolve(name);
                if (name.contains("/") || !Files.isRegularFile(file)) {
                    e.sendResponseHeaders(404, -1);
                    return;
                }
                e.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
                e.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = e.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
        });
        server.setExecutor(Executors.newCachedThreadPool(daemon()));
        server.start();
        return server;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String status(String field) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith(field + ":"))
                    .map(l -> l.substring(field.length() + 1).trim())
                    .findFirst()
                    .orElse("n/a");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
