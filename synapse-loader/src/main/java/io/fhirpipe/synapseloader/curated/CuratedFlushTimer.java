package io.fhirpipe.synapseloader.curated;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes pending curated snapshots every interval, and once more when closed, so that with a
 * debounced snapshot the last chunks of a burst still reach curated/ without waiting for the next chunk.
 * A failed flush leaves the pending marker (committed with the rows) for the next one.
 */
public final class CuratedFlushTimer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CuratedFlushTimer.class);

    private final CuratedSnapshots snapshots;
    private final CuratedSink sink;
    private final ScheduledExecutorService timer;

    public CuratedFlushTimer(CuratedSnapshots snapshots, CuratedSink sink, Duration every) {
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("a flush interval must be positive, not " + every);
        }
        this.snapshots = snapshots;
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "curated-flush");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void flush() {
        try {
            snapshots.flush(sink);
        } catch (RuntimeException e) {
            LOG.warnf("writing the curated snapshots failed (kept pending for the next flush): %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
