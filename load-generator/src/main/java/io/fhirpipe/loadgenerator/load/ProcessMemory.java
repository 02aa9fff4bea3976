package io.fhirpipe.loadgenerator.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process from {@code /proc/<pid>/status}: {@code VmRSS} now and {@code VmHWM},
 * the kernel's own high-water mark, so a peak between two samples is not missed.
 */
record ProcessMemory(long rssBytes, long peakBytes) {

    static final ProcessMemory GONE = new ProcessMemory(-1, -1);

    static ProcessMemory of(long pid) {
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kilobytes(line) * 1024;
                }
            }
            return new ProcessMemory(rss, hwm);
        } catch (IOException | RuntimeException e) {
            return GONE;
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
