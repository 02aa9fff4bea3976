package io.fhirpipe.runtime.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds a probe whose client has no timeout short enough for readiness (a JDBC login waits up to
 * its login timeout): the probe runs on its own thread and is reported down after {@code timeout}.
 * A probe still running is not started again, so a hanging dependency holds one thread, not one per
 * readiness request.
 */
public final class TimedProbe implements Supplier<Probe> {

    private final String what;
    private final Supplier<Probe> probe;
    private final Duration timeout;
    private CompletableFuture<Probe> running;

    /** @param what the dependency, for the timeout's reason (e.g. {@code warehouse (synapse-dedicated)}) */
    public TimedProbe(String what, Duration timeout, Supplier<Probe> probe) {
        this.what = what;
        this.probe = probe;
        this.timeout = timeout;
    }

    @Override
    public Probe get() {
        CompletableFuture<Probe> answer;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(probe, runnable -> {
                    Thread thread = new Thread(runnable, "fhirpipe-readiness-probe");
                    thread.setDaemon(true);
                    thread.start();
                });
            }
            answer = running;
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Probe.down(what + " did not answer within " + timeout.toMillis() + "ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.down(what + " was not asked (interrupted)");
        } catch (ExecutionException e) {
            return Probe.down(what + " " + Unreachable.why(e.getCause(), timeout));
        }
    }
}
