package io.fhirpipe.testsupport.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The processes a local stack started, recorded in {@code <work>/stack.pids} (name, pid, start time),
 * so that a stack whose own JVM was killed (SIGKILL, a closed terminal) leaves nothing that blocks the
 * next start on the same work folder: its services, broker and FHIR server would run on as orphans
 * and hold the recorded ports. The next start stops them the way a clean stop would, services first,
 * and only processes whose pid and start time both match the record, so a reused pid is left alone.
 */
final class LeftoverProcesses {

    static final String FILE = "stack.pids";
    private static final long STOP_SECONDS = 30;
    private static final long START_TOLERANCE_MILLIS = 2_000;

    private final Path file;
    private final List<String> lines = new ArrayList<>();

    private LeftoverProcesses(Path file) {
        this.file = file;
    }

    static LeftoverProcesses in(Path workDirectory) {
        return new LeftoverProcesses(workDirectory.resolve(FILE));
    }

    /**
     * Stops what an earlier start on this folder left running, newest first; returns what it stopped.
     */
    List<String> stopAll() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> recorded;
        try {
            recorded = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<String> stopped = new ArrayList<>();
        for (int i = recorded.size() - 1; i >= 0; i--) {
            String[] parts = recorded.get(i).trim().split(" ");
            if (parts.length != 3) {
                continue;
            }
            Optional<ProcessHandle> process = alive(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            if (process.isPresent()) {
                stop(process.get());
                stopped.add(parts[0] + " (pid " + parts[1] + ")");
            }
        }
        forget();
        return stopped;
    }

    /** Records one started process (written at once: the stack may be killed at any moment). */
    synchronized void record(String name, long pid) {
        ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).ifPresent(start -> {
            lines.add(name + " " + pid + " " + start.toEpochMilli());
            try {
                Files.write(file, lines);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        });
    }

    /** After a clean stop nothing is left over. */
    synchronized void forget() {
        lines.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /**
     * The JDK derives a process's start instant from the kernel's boot time in whole seconds
     * (/proc/stat btime), which the kernel recomputes from the wall clock at each read and which can
     * differ by a second between two JVMs. With an exact match, a CI run once left all seven
     * leftovers of a killed stack holding their ports (most likely this). A pid reused by another
     * process within two seconds of the recorded start is not a concern.
     */
    static boolean sameStart(long recordedMillis, long actualMillis) {
        return actualMillis >= 0 && Math.abs(actualMillis - recordedMillis) <= START_TOLERANCE_MILLIS;
    }

    private static Optional<ProcessHandle> alive(long pid, long startMillis) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> sameStart(
                        startMillis,
                        p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L)));
    }

    private static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            try {
                // its ports are checked right after: wait until they are free
                process.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the port check names what still holds a port
            }
        }
    }
}
