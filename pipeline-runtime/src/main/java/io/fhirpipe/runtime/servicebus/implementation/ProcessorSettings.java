package io.fhirpipe.runtime.servicebus.implementation;

import java.time.Duration;
import java.util.Objects;

/**
 * How one subscription is received: always peek-lock, never auto-completed.
 *
 * @param prefetch           messages fetched ahead of the handler; their lock clock runs while they
 *                           wait in the client, so 0 unless the work is short
 * @param maxConcurrentCalls messages handled at once
 * @param maxAutoLockRenew   how long a message's lock is renewed while it is handled
 */
public record ProcessorSettings(
        String topic, String subscription, int prefetch, int maxConcurrentCalls, Duration maxAutoLockRenew) {

    public ProcessorSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(maxAutoLockRenew, "maxAutoLockRenew");
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be 0 or more, was " + prefetch);
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("max-concurrent-calls must be at least 1, was " + maxConcurrentCalls);
        }
        if (maxAutoLockRenew.isNegative()) {
            throw new IllegalArgumentException("max-auto-lock-renew-duration must not be negative");
        }
    }
}
