package io.fhirpipe.runtime.health;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A probe asked at most once per {@code ttl}: readiness is polled every few seconds by every
 * kubelet and load balancer, and each answer would otherwise cost a call to storage or a server.
 * Concurrent callers within the ttl share one call.
 */
public final class CachedProbe implements Supplier<Probe> {

    private final Supplier<Probe> probe;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private Probe last;
    private long lastNanos;

    public CachedProbe(Duration ttl, Supplier<Probe> probe) {
        this(ttl, probe, System::nanoTime);
    }

    CachedProbe(Duration ttl, Supplier<Probe> probe, LongSupplier nanoTime) {
        this.probe = probe;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized Probe get() {
        long now = nanoTime.getAsLong();
        if (last == null || now - lastNanos >= ttlNanos) {
            last = probe.get();
            lastNanos = now;
        }
        return last;
    }
}
