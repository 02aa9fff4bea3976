package io.fhirpipe.exporttrigger.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.testsupport.storage.AzuriteContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kick-off claims against a real Azurite: one winner per attempt, a dead holder taken over, a retry waited for. */
class KickoffClaimTest {

    static final Duration LEASE = Duration.ofSeconds(90);

    @RegisterExtension
    static final AzuriteContainer STATE = new AzuriteContainer("state");

    @Test
    void ofManyConcurrentClaimsOfTheSameAttemptOneWins() {
        String id = "claim-" + UUID.randomUUID();
        Instant now = Instant.now();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<KickoffClaimStore.Result>> claims = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new KickoffClaimStore(new JsonBlobStore(STATE.container()))
                            .claim(id, 1, "holder-" + i, now, LEASE);
                }))
                .toList();
        go.countDown();
        List<KickoffClaimStore.Result> results =
                claims.stream().map(CompletableFuture::join).toList();
        assertThat(results)
                .filteredOn(r -> r instanceof KickoffClaimStore.Result.Won)
                .hasSize(1);
        assertThat(results)
                .filteredOn(r -> r instanceof KickoffClaimStore.Result.Busy)
                .allSatisfy(r -> assertThat(
                                ((KickoffClaimStore.Result.Busy) r).claim().busyUntil())
                        .isEqualTo(now.plus(LEASE)));
    }

    @Test
    void aHolderThatNeverRecordedAnOutcomeIsTakenOverAfterItsLease() {
        KickoffClaimStore store = new KickoffClaimStore(new JsonBlobStore(STATE.container()));
        String id = "claim-" + UUID.randomUUID();
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        assertThat(store.claim(id, 1, "a", now, LEASE)).isInstanceOf(KickoffClaimStore.Result.Won.class);
        assertThat(store.claim(id, 1, "b", now.plus(LEASE).minusSeconds(1), LEASE))
                .isInstanceOf(KickoffClaimStore.Result.Busy.class);
        assertThat(store.claim(id, 1, "b", now.plus(LEASE), LEASE)).isInstanceOf(KickoffClaimStore.Result.Won.class);
    }

    @Test
    void anAttemptThatEndedInARetryBlocksTheNextUntilItsTimeAndItselfForGood() {
        KickoffClaimStore store = new KickoffClaimStore(new JsonBlobStore(STATE.container()));
        String id = "claim-" + UUID.randomUUID();
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        store.claim(id, 1, "a", now, LEASE);
        Instant retryAt = now.plusSeconds(30);
        store.retryAt(id, retryAt, now.plusSeconds(1));

        assertThat(store.claim(id, 1, "late-copy", now.plus(LEASE).plus(LEASE), LEASE))
                .as("the attempt is over")
                .isInstanceOf(KickoffClaimStore.Result.Busy.class);
        KickoffClaimStore.Result early = store.claim(id, 2, "duplicate", now.plusSeconds(2), LEASE);
        assertThat(early).isInstanceOf(KickoffClaimStore.Result.Busy.class);
        assertThat(((KickoffClaimStore.Result.Busy) early).claim().busyUntil()).isEqualTo(retryAt);
        assertThat(store.claim(id, 2, "retry", retryAt, LEASE)).isInstanceOf(KickoffClaimStore.Result.Won.class);
        assertThat(store.claim(id, 1, "stale", retryAt, LEASE)).isInstanceOf(KickoffClaimStore.Result.Busy.class);
    }

    @Test
    void anAnnouncementIsRemembered() {
        KickoffClaimStore store = new KickoffClaimStore(new JsonBlobStore(STATE.container()));
        String id = "claim-" + UUID.randomUUID();
        assertThat(store.find(id)).isEmpty();
        store.claim(id, 1, "a", Instant.now(), LEASE);
        assertThat(store.find(id).orElseThrow().announced()).isFalse();
        store.announced(id);
        assertThat(store.find(id).orElseThrow().announced()).isTrue();
    }
}
