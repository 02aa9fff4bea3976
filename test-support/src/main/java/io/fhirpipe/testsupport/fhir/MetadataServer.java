package io.fhirpipe.testsupport.fhir;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A FHIR server that answers only {@code GET {base}/metadata} (a minimal CapabilityStatement) and can
 * be stopped and started again on the same port, for tests of what the services do while a FHIR
 * server is away (readiness); {@link RecordedBulkDataServer} cannot come back on its port.
 */
public final class MetadataServer implements AutoCloseable {

    private static final byte[] CAPABILITIES =
            "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\"}".getBytes(StandardCharsets.UTF_8);

    /** 0 until the first start picks a free port, then kept for every later start. */
    private int port;

    private HttpServer server;

    private MetadataServer() {}

    /** Starts on a free port. */
    public static MetadataServer start() {
        MetadataServer metadata = new MetadataServer();
        metadata.resume();
        return metadata;
    }

    /** {@code http://127.0.0.1:<port>/fhir}. */
    public synchronized String baseUrl() {
        return "http://" + RecordedBulkDataServer.HOST + ":" + port + RecordedBulkDataServer.BASE_PATH;
    }

    /** Stops listening: connections are refused until {@link #resume()}. */
    public synchronized void pause() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again, on the port it had. */
    public synchronized void resume() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByName(RecordedBulkDataServer.HOST), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + RecordedBulkDataServer.HOST + ":" + port, e);
        }
        port = server.getAddress().getPort();
        server.createContext("/", exchange -> {
            boolean metadata =
                    exchange.getRequestURI().getPath().equals(RecordedBulkDataServer.BASE_PATH + "/metadata");
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(metadata ? 200 : 404, metadata ? CAPABILITIES.length : -1);
            if (metadata) {
                exchange.getResponseBody().write(CAPABILITIES);
            }
            exchange.close();
        });
        server.start();
    }

    @Override
    public void close() {
        pause();
    }
}
