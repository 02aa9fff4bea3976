package io.fhirpipe.testsupport.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects what a child process prints (stdout and stderr merged) on a daemon thread, keeping the
 * last {@value #LIMIT} characters, so a failed start can report why. Reading continuously also
 * keeps the child from blocking on a full pipe.
 */
final class ProcessOutput {

    static final int LIMIT = 32 * 1024;

    private final StringBuilder text = new StringBuilder();
    private final List<String> watched = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private Thread reader;

    private ProcessOutput() {}

    static ProcessOutput collect(Process process, String threadName) {
        ProcessOutput output = new ProcessOutput();
        output.reader = new Thread(() -> output.read(process.getInputStream()), threadName);
        output.reader.setDaemon(true);
        output.reader.start();
        return output;
    }

    /** Waits (briefly) until the process's output has been read to its end, after the process exited. */
    void awaitEnd(long millis) {
        try {
            reader.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a line containing {@code marker} was printed (remembered even once its text is trimmed). */
    synchronized boolean seen(String marker) {
        return text.indexOf(marker) >= 0 || seen.contains(marker);
    }

    /** Remembers {@code marker} once it appears, whatever is trimmed later. */
    synchronized void watch(String marker) {
        watched.add(marker);
    }

    /** Everything collected so far (its tail, if it was longer than the limit). */
    synchronized String text() {
        return text.toString();
    }

    private void read(InputStream stream) {
        char[] buffer = new char[4096];
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // The process ended or was killed; what was read is all there is.
        }
    }

    private synchronized void append(char[] buffer, int length) {
        text.append(buffer, 0, length);
        for (String marker : watched) {
            if (!seen.contains(marker) && text.indexOf(marker) >= 0) {
                seen.add(marker);
            }
        }
        if (text.length() > LIMIT) {
            text.delete(0, text.length() - LIMIT);
        }
    }
}
