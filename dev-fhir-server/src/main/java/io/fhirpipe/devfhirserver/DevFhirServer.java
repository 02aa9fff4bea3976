package io.fhirpipe.devfhirserver;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import io.fhirpipe.devfhirserver.seed.SeedCounts;
import io.fhirpipe.devfhirserver.seed.Seeder;
import io.fhirpipe.devfhirserver.seed.SyntheticData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A HAPI FHIR JPA R4 server with Bulk Data {@code $export} (system, Patient and Group level) on a
 * loopback port, H2 underneath: the local stand-in for the Azure Health Data Services FHIR service.
 *
 * <p>Run as its own JVM ({@code java -cp target/classes:$(cat target/classpath.txt)
 * io.fhirpipe.devfhirserver.DevFhirServer --port 0 --seed 20}); stdout carries one
 * {@code SEEDED ...} line when seeding and then {@value #READY_PREFIX}{@code <base url>} once
 * {@code /metadata} answers and the data is in. Logs go to stderr.
 */
public final class DevFhirServer implements AutoCloseable {

    public static final String READY_PREFIX = "DEV-FHIR-SERVER READY ";
    public static final String SEEDED_PREFIX = "SEEDED ";
    private static final Logger LOG = LoggerFactory.getLogger(DevFhirServer.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    private final AnnotationConfigApplicationContext spring;
    private final Server jetty;
    private final URI baseUrl;

    private DevFhirServer(AnnotationConfigApplicationContext spring, Server jetty, URI baseUrl) {
        this.spring = spring;
        this.jetty = jetty;
        this.baseUrl = baseUrl;
    }

    public static void main(String[] args) throws Exception {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        DevFhirServer server = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dev-fhir-server-shutdown"));
        if (options.seedPatients() > 0) {
            long seedStarted = System.nanoTime();
            SeedCounts counts = server.seed(options.seedPatients(), options.seedRandom());
            LOG.info("seeded {} resources in {} ms", counts.total(), (System.nanoTime() - seedStarted) / 1_000_000);
            System.out.println(SEEDED_PREFIX + counts.describe());
        }
        server.awaitMetadata();
        LOG.info("ready after {} ms", (System.nanoTime() - started) / 1_000_000);
        System.out.println(READY_PREFIX + server.baseUrl());
        System.out.flush();
        server.jetty.join();
    }

    /** Starts Spring, the database schema and Jetty; returns once the port is bound. */
    public static DevFhirServer start(ServerOptions options) throws Exception {
        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
        try {
            spring.registerBean(ServerOptions.class, () -> options);
            // Added directly rather than as a bean so that it needs no other bean to exist.
            spring.getBeanFactory().addBeanPostProcessor(new FastBatchMaintenance(options.maintenanceMillis()));
            spring.register(DevFhirServerConfig.class);
            spring.refresh();

            Server jetty = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()));
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            ServletHolder fhir = new ServletHolder("fhir", FhirServlet.create(spring));
            // Initialise at start so the first request does not pay for building the capability statement.
            fhir.setInitOrder(1);
            context.addServlet(fhir, "/fhir/*");
            jetty.setHandler(context);
            jetty.setStopAtShutdown(false);
            jetty.start();
            int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
            return new DevFhirServer(spring, jetty, URI.create("http://127.0.0.1:" + port + "/fhir"));
        } catch (Exception | Error e) {
            spring.close();
            throw e;
        }
    }

    /** Base URL of the FHIR endpoint, e.g. {@code http://127.0.0.1:8090/fhir}, without trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Loads {@code patients} synthetic patients and their data through the system DAO's transactions. */
    @SuppressWarnings("unchecked")
    public SeedCounts seed(int patients, long random) {
        IFhirSystemDao<Bundle, Meta> systemDao = spring.getBean(IFhirSystemDao.class);
        return new Seeder(systemDao).load(SyntheticData.generate(patients, random));
    }

    /** Waits until {@code GET /metadata} answers 200, proving the REST layer (not just the port) works. */
    public void awaitMetadata() throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))
                .header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(30))
                .build();
        long deadline = System.nanoTime() + METADATA_TIMEOUT.toNanos();
        int lastStatus = -1;
        while (System.nanoTime() < deadline) {
            try {
                lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (lastStatus == 200) {
                    return;
                }
            } catch (IOException e) {
                LOG.debug("metadata not answering yet: {}", e.toString());
            }
            Thread.sleep(200);
        }
        throw new IOException(baseUrl + "/metadata did not answer 200 within " + METADATA_TIMEOUT + " (last status "
                + lastStatus + ")");
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping Jetty failed: {}", e.toString());
        } finally {
            spring.close();
        }
    }
}
