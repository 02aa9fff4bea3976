package io.fhirpipe.loadgenerator.server;

import io.fhirpipe.loadgenerator.server.ExportFiles.FileEntry;
import io.fhirpipe.loadgenerator.synthetic.Population;

/**
 * The faults of the fault suite the server injects on top of the throttling and failures of
 * {@link ServerOptions}. Every choice is a pure function of the seed and the file or resource, so
 * {@link ExpectedOutcome} knows which lines a run rejects without watching it.
 *
 * @param kickoff500      the kick-offs after the {@code 429} ones answered {@code 500} (transient)
 * @param status500Every  every n-th status poll answered {@code 500} with a transient OperationOutcome (0: never)
 * @param file500Every    the first download of every n-th output file answered {@code 500} (0: never)
 * @param delayMillis     every FHIR response waits this long before its headers
 * @param bytesPerSecond  file bodies are sent at about this rate (0: as fast as the client reads)
 * @param dropEvery       the first download of every n-th output file stops mid-body and the connection
 *                        closes without ending the chunked body (0: never)
 * @param neverFinish     the status URL answers {@code 202} with {@code Retry-After} until the export is deleted
 * @param malformedEvery  about one output line in n is not JSON (which ones: by seed; 0: none)
 * @param oversizedEvery  every n-th output file of an export holds one line of {@code oversizedBytes} (0: none)
 * @param oversizedBytes  the length of such a line without its newline: valid JSON, the resource padded
 * @param truncatedEvery  every n-th output file of an export ends with its last line cut in half and no
 *                        newline (0: none)
 */
record Faults(
        int kickoff500,
        int status500Every,
        int file500Every,
        long delayMillis,
        long bytesPerSecond,
        int dropEvery,
        boolean neverFinish,
        int malformedEvery,
        int oversizedEvery,
        long oversizedBytes,
        int truncatedEvery) {

    /** One more than the splitter's default line limit ({@code fhirpipe.splitter.max-bytes}, 64 MiB). */
    public static final long DEFAULT_OVERSIZED_BYTES = (64L << 20) + 1;

    public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, false, 0, 0, DEFAULT_OVERSIZED_BYTES, 0);

    /** What an output line is served as. */
    public enum LineFault {
        NONE,
        MALFORMED,
        OVERSIZED,
        TRUNCATED
    }

    public Faults {
        if (kickoff500 < 0
                || status500Every < 0
                || file500Every < 0
                || delayMillis < 0
                || bytesPerSecond < 0
                || dropEvery < 0
                || malformedEvery < 0
                || oversizedEvery < 0
                || oversizedBytes < 1
                || truncatedEvery < 0) {
            throw new IllegalArgumentException("fault options are counts and sizes, none negative: " + this);
        }
    }

    /**
     * Line {@code k} (0-based) of an output file. One fault per line: a truncated last line wins over
     * an oversized one, which wins over a malformed one.
     */
    LineFault lineFault(Population population, FileEntry file, long k) {
        if (truncatedEvery > 0 && file.ordinal() % truncatedEvery == 0 && k == file.count() - 1) {
            return LineFault.TRUNCATED;
        }
        if (oversizedEvery > 0
                && file.ordinal() % oversizedEvery == 0
                && k == population.choice("oversized", file.source(), file.index()) % file.count()) {
            return LineFault.OVERSIZED;
        }
        if (malformedEvery > 0
                && population.choice("malformed", file.source(), file.first() + k) % malformedEvery == 0) {
            return LineFault.MALFORMED;
        }
        return LineFault.NONE;
    }

    /** Whether any output line can be faulty, so clean files skip the per-line choice. */
    boolean anyLineFaults() {
        return malformedEvery > 0 || oversizedEvery > 0 || truncatedEvery > 0;
    }
}
