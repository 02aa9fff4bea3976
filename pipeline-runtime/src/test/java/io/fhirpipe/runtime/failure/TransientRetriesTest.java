package io.fhirpipe.runtime.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransientRetriesTest {

    final List<Duration> waits = new ArrayList<>();
    final TransientRetries retries =
            new TransientRetries(3, new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)), waits::add);

    @Test
    void aStepThatRecoversReturnsItsResultAfterWaitingBetweenAttempts() {
        AtomicInteger calls = new AtomicInteger();
        String result = retries.call("step", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new TransientFailure("throttled", null);
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
        assertThat(waits).hasSize(2);
        // exponential with full jitter: [100, 100] ms after the first failure, [100, 200] after the second
        assertThat(waits.get(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void theLastTransientFailureGoesThroughAfterMaxAttempts() {
        AtomicInteger calls = new AtomicInteger();
        TransientFailure last = new TransientFailure("still throttled", null);
        assertThatThrownBy(() -> retries.call("step", () -> {
                    calls.incrementAndGet();
                    throw last;
                }))
                .isSameAs(last);
        assertThat(calls).hasValue(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void aRetryAfterIsHonouredWithinTheBounds() {
        AtomicInteger calls = new AtomicInteger();
        retries.call("step", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new TransientFailure("busy", Duration.ofSeconds(30));
            }
            return null;
        });
        assertThat(waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retries.call("step", () -> {
                    calls.incrementAndGet();
                    throw new PermanentFailure("Bad", "never loads");
                }))
                .isInstanceOf(PermanentFailure.class);
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
        assertThat(TransientRetries.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void noAttemptStartsAfterTheTimeBudget() {
        long[] now = {0};
        List<Duration> slept = new ArrayList<>();
        TransientRetries budgeted = new TransientRetries(
                10,
                new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1)),
                Duration.ofSeconds(25),
                delay -> {
                    slept.add(delay);
                    now[0] += delay.toNanos();
                },
                () -> now[0]);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> budgeted.call("step", () -> {
                    calls.incrementAndGet();
                    now[0] += Duration.ofSeconds(10).toNanos(); // each attempt takes 10 s
                    throw new TransientFailure("slow and failing", null);
                }))
                .isInstanceOf(TransientFailure.class);
        // attempts start at 0 s, 11 s and 22 s; a fourth would start at 33 s, past the 25 s budget
        assertThat(calls).hasValue(3);
        assertThat(slept).hasSize(2);
    }
}
