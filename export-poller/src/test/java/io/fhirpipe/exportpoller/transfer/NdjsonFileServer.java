package io.fhirpipe.exportpoller.transfer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server that streams {@link GeneratedNdjson} files: {@code GET /fhir/Binary/<lines>}
 * answers a file of that many lines with its exact Content-Length, generated while it is sent.
 */
public final class NdjsonFileServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ndjson-file-server");
        t.setDaemon(true);
        return t;
    });
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private NdjsonFileServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/fhir/Binary/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static NdjsonFileServer start() {
        return new NdjsonFileServer();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    public String fileUrl(GeneratedNdjson file) {
        return baseUrl() + "/Binary/" + file.lines();
    }

    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            long lines;
            try {
                lines = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
            } catch (NumberFormatException e) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            GeneratedNdjson file = new GeneratedNdjson(lines);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
            exchange.sendResponseHeaders(200, file.size());
            try (OutputStream out = exchange.getResponseBody()) {
                file.writeTo(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
