package io.fhirpipe.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.testsupport.storage.AzuriteContainer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Optimistic concurrency of the state stores, against a real Azurite. */
class StateStoresTest {

    @RegisterExtension
    static final AzuriteContainer STATE = new AzuriteContainer("state");

    @Test
    void onlyOneOfManyConcurrentCreatesWins() throws Exception {
        ExportRunStore runs = new ExportRunStore(new JsonBlobStore(STATE.container()));
        ExportRun run = ExportRun.requested(request("race-" + UUID.randomUUID()), Instant.now());
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Boolean>> attempts = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return new ExportRunStore(new JsonBlobStore(STATE.container())).create(run);
                }))
                .toList();
        go.countDown();
        long winners = attempts.stream()
                .map(CompletableFuture::join)
                .filter(Boolean::booleanValue)
                .count();
        assertThat(winners).isEqualTo(1);
        assertThat(runs.find(run.exportId())).contains(run);
    }

    @Test
    void concurrentUpdatesAreAllApplied() {
        ExportRunStore runs = new ExportRunStore(new JsonBlobStore(STATE.container()));
        String id = "updates-" + UUID.randomUUID();
        assertThat(runs.create(ExportRun.requested(request(id), Instant.now()))).isTrue();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<ExportRun>> updates = IntStream.range(0, 6)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return runs.update(id, r -> r.withKickoffRetry(Instant.now(), "attempt by writer " + i));
                }))
                .toList();
        go.countDown();
        updates.forEach(CompletableFuture::join);

        ExportRun result = runs.find(id).orElseThrow();
        assertThat(result.kickoffAttempts()).isEqualTo(6);
        assertThat(result.history())
                .filteredOn(e -> e.event().equals("kickoff-retry"))
                .hasSize(6);
    }

    @Test
    void aMissingRunIsEmpty() {
        assertThat(new ExportRunStore(new JsonBlobStore(STATE.container())).find("never-" + UUID.randomUUID()))
                .isEmpty();
    }

    private static ExportRequested request(String id) {
        return new ExportRequested(
                id,
                null,
                "hapi",
                ExportLevel.SYSTEM,
                null,
                null,
                List.of("Patient"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Instant.parse("2026-11-26T00:00:00Z"),
                "api");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
