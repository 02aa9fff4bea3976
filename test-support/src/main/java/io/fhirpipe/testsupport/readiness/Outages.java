package io.fhirpipe.testsupport.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.fhir.MetadataServer;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.fhirpipe.testsupport.storage.Azurite;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What every service's readiness does while a dependency of {@link OutageStack#current()} is down:
 * each is stopped for real, the probe is awaited DOWN with the reason, the dependency is started
 * again on the same port and the probe awaited UP. Each returns an answer for the service's own checks.
 */
public final class Outages {

    public static final Duration WAIT = Duration.ofSeconds(60);
    /** The AMQP connector's reconnect attempts are further apart than the storage check's. */
    static final Duration BROKER_WAIT = Duration.ofSeconds(90);

    public static final String READY = "/q/health/ready";
    public static final String FHIR_GROUP = "/q/health/group/fhir-servers";

    private Outages() {}

    /**
     * Storage stopped: readiness DOWN naming the refused address, never the account's name or key;
     * UP again once a new Azurite runs and {@code makeContainers} has made the containers (it keeps
     * them in memory, so a restarted one has none). Before, readiness holds the storage check and
     * SmallRye's messaging check. Returns readiness's body from before the outage.
     */
    public static String storage(ServiceProbes service, Consumer<BlobServiceClient> makeContainers) {
        OutageStack stack = OutageStack.current();
        String before = service.await(READY, a -> a.status() == 200, WAIT).body();
        assertTrue(before.contains("\"storage\"") && before.contains("SmallRye Reactive Messaging"), before);

        int port = stack.azurite().blobPort();
        stack.azurite().stop();
        String down = service.await(
                        READY,
                        a -> a.status() == 503
                                && a.body().contains("storage at 127.0.0.1:" + port + " refused the connection"),
                        WAIT)
                .body();
        assertFalse(down.contains("AccountKey"), "the account key in " + READY);
        assertFalse(down.contains("AccountName"), "the connection string in " + READY);

        Azurite restarted = Azurite.builder().blobPort(port).start();
        stack.replaceStorage(restarted);
        makeContainers.accept(restarted.blobServiceClient());
        service.await(READY, a -> a.status() == 200, WAIT);
        return before;
    }

    /**
     * Broker stopped: readiness DOWN (SmallRye Reactive Messaging's own check, per channel); UP again
     * once a new broker runs on the same port with the same user, as a restarted Artemis would be.
     * Returns readiness's body while the broker was down.
     */
    public static String broker(ServiceProbes service) {
        OutageStack stack = OutageStack.current();
        service.await(READY, a -> a.status() == 200, WAIT);

        EmbeddedArtemis stopped = stack.broker();
        int port = stopped.amqpPort();
        stopped.close();
        String down = service.await(READY, a -> a.status() == 503, WAIT).body();

        stack.replaceBroker(EmbeddedArtemis.builder()
                .amqpPort(port)
                .credentials(stopped.credentials())
                .start());
        service.await(READY, a -> a.status() == 200, BROKER_WAIT);
        return down;
    }

    /**
     * The FHIR server stopped: the fhir-servers group DOWN, readiness still UP but naming it DOWN
     * (a FHIR server outage must not take the service out of its load balancer); both UP again
     * when it answers. The stack must have a FHIR server ({@link OutageStack#fhirServerAs}) named
     * {@code server}.
     */
    public static void fhirServer(ServiceProbes service, String server) {
        MetadataServer fhir = OutageStack.current().fhir();
        service.await(FHIR_GROUP, a -> a.status() == 200, WAIT);
        String where = "FHIR server '" + server + "' at 127.0.0.1:"
                + fhir.baseUrl().split(":")[2].split("/")[0];
        String up = service.get(READY).body();
        assertTrue(up.contains("UP — " + where + " answered HTTP 200"), up);

        fhir.pause();
        // each server's answer is cached on its own: wait for this one's
        service.await(
                FHIR_GROUP,
                a -> a.status() == 503 && a.body().contains("DOWN — " + where + " refused the connection"),
                WAIT);
        ServiceProbes.Answer ready = service.get(READY);
        assertEquals(200, ready.status(), ready.body());
        assertTrue(ready.body().contains("DOWN — " + where + " refused the connection"), ready.body());
        assertTrue(ready.body().matches("(?s).*\"affects-readiness\":\\s*false.*"), ready.body());

        fhir.resume();
        service.await(FHIR_GROUP, a -> a.status() == 200, WAIT);
    }
}
