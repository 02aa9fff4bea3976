package io.fhirpipe.synapseloader.curated;

import java.time.Duration;

/**
 * Parquet snapshots of the typed tables, for a warehouse that is not itself the curated store (the
 * embedded one). Each snapshot rewrites whole tables, so the loader debounces them: after a load
 * {@link #publishIfDue}, and a timer (or shutdown) {@link #flush} writes what stayed pending.
 */
public interface CuratedSnapshots {

    /** Writes the snapshot of every type whose rows changed since its last one; the caller holds the warehouse lock. */
    void publish(CuratedSink sink);

    /**
     * {@link #publish} when at least {@code minInterval} has passed since the last complete one,
     * else leaves it pending; the caller holds the warehouse lock.
     *
     * @return whether snapshots were written
     */
    boolean publishIfDue(CuratedSink sink, Duration minInterval);

    /** Writes whatever is pending now (the timer, shutdown); takes the warehouse lock itself. */
    void flush(CuratedSink sink);
}
