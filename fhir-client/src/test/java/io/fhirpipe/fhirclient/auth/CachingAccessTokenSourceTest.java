package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingAccessTokenSourceTest {

    private static final Duration MARGIN = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile Duration lifetime = Duration.ofMinutes(5);
    private volatile boolean providerDown;

    private IssuedToken fetch() {
        if (providerDown) {
            throw new AccessTokenException("identity provider down");
        }
        int n = fetches.getAndIncrement();
        return new IssuedToken("token-" + n, clock.instant(), clock.instant().plus(lifetime));
    }

    private CachingAccessTokenSource source() {
        return new CachingAccessTokenSource(this::fetch, "test provider", MARGIN, clock);
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        CountDownLatch fetchStarted = new CountDownLatch(1);
        CountDownLatch releaseFetch = new CountDownLatch(1);
        CachingAccessTokenSource source = new CachingAccessTokenSource(
                () -> {
                    fetchStarted.countDown();
                    await(releaseFetch);
                    return fetch();
                },
                "slow provider",
                MARGIN,
                clock);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tokens.add(callers.submit(() -> source.bearerToken().orElseThrow()));
            }
            assertThat(fetchStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // Give the other callers time to pile up behind the fetch in progress.
            Thread.sleep(200);
            releaseFetch.countDown();
            for (Future<String> token : tokens) {
                assertThat(token.get(5, TimeUnit.SECONDS)).isEqualTo("token-0");
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aTokenLivingShorterThanTheMarginIsStillReusedForHalfItsLifetime() {
        lifetime = Duration.ofSeconds(30);
        CachingAccessTokenSource source = source();
        source.bearerToken();

        clock.advance(Duration.ofSeconds(14));
        assertThat(source.bearerToken()).contains("token-0");

        clock.advance(Duration.ofSeconds(1));
        assertThat(source.bearerToken()).contains("token-1");
    }

    @Test
    void keepsServingTheCurrentTokenWhenARefreshFailsBeforeExpiry() {
        CachingAccessTokenSource source = source();
        source.bearerToken();
        providerDown = true;

        clock.advance(lifetime.minus(MARGIN).plusSeconds(1));
        assertThat(source.bearerToken()).contains("token-0");

        clock.advance(MARGIN);
        assertThatThrownBy(source::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessage("identity provider down");
    }

    @Test
    void anInvalidatedTokenIsNotServedEvenWhenTheRefreshFails() {
        CachingAccessTokenSource source = source();
        source.bearerToken();
        providerDown = true;

        source.invalidate();

        assertThatThrownBy(source::bearerToken).isInstanceOf(AccessTokenException.class);
    }

    @Test
    void retriesOnTheNextCallAfterAFailure() {
        providerDown = true;
        CachingAccessTokenSource source = source();
        assertThatThrownBy(source::bearerToken).isInstanceOf(AccessTokenException.class);

        providerDown = false;

        assertThat(source.bearerToken()).contains("token-0");
    }

    @Test
    void refusesANegativeMargin() {
        assertThatThrownBy(() -> new CachingAccessTokenSource(this::fetch, "x", Duration.ofSeconds(-1), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refreshMargin");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
