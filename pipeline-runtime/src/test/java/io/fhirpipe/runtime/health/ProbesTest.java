package io.fhirpipe.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.testsupport.storage.Azurite;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProbesTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void storageIsUpWhileTheStateContainerAnswersAndDownWithTheReasonOtherwiseNeverShowingTheKey() {
        try (Azurite azurite = Azurite.start()) {
            StorageProbe probe = new StorageProbe(azurite.blobServiceClient(), TIMEOUT);
            String where = "storage at 127.0.0.1:" + azurite.blobPort();
            assertThat(probe.get()).isEqualTo(Probe.down(where + " has no container '" + Containers.STATE + "'"));

            BlobStorageClients.ensureContainers(azurite.blobServiceClient());
            assertThat(probe.get()).isEqualTo(Probe.up(where + " answers"));

            azurite.stop();
            Probe down = probe.get();
            assertThat(down).isEqualTo(Probe.down(where + " refused the connection"));
            assertThat(down.detail()).doesNotContain("AccountKey").doesNotContain("Eby8");
        }
    }

    @Test
    void aFhirServerIsReachableOnAnyHttpAnswerAndNotWhenNothingListens() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/fhir/metadata") ? 503 : 404, -1);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        HttpReachability probe = new HttpReachability("hapi", "http://127.0.0.1:" + port + "/fhir?secret=x", TIMEOUT);
        HttpReachability trailing = new HttpReachability("hapi", "http://127.0.0.1:" + port + "/fhir/", TIMEOUT);
        try {
            assertThat(trailing.get())
                    .isEqualTo(Probe.up("FHIR server 'hapi' at 127.0.0.1:" + port + " answered HTTP 503"));
        } finally {
            server.stop(0);
        }
        assertThat(trailing.get())
                .isEqualTo(Probe.down("FHIR server 'hapi' at 127.0.0.1:" + port + " refused the connection"));
        assertThat(probe.get().detail()).doesNotContain("secret");
    }

    @Test
    void aCachedProbeAsksAgainOnlyAfterItsTtl() {
        AtomicInteger asked = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        CachedProbe cached =
                new CachedProbe(Duration.ofSeconds(2), () -> Probe.up("asked " + asked.incrementAndGet()), now::get);
        assertThat(cached.get().detail()).isEqualTo("asked 1");
        now.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThat(cached.get().detail()).isEqualTo("asked 1");
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(cached.get().detail()).isEqualTo("asked 2");
    }

    @Test
    void aProbeThatHangsIsDownAfterTheTimeoutAndIsNotStartedTwice() {
        AtomicInteger started = new AtomicInteger();
        TimedProbe probe = new TimedProbe("warehouse (synapse-dedicated)", Duration.ofMillis(200), () -> {
            started.incrementAndGet();
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Probe.up("late");
        });
        assertThat(probe.get()).isEqualTo(Probe.down("warehouse (synapse-dedicated) did not answer within 200ms"));
        assertThat(probe.get().up()).isFalse();
        assertThat(started).hasValue(1);
    }
}
