package io.fhirpipe.exportpoller.transfer;

/**
 * Counts the NDJSON records in a byte stream fed in pieces: lines holding at least one byte other
 * than CR and LF, whether or not the last one ends with a newline. Blank lines are not records, so
 * a server's trailing newline (or none) does not change the count compared with the manifest's.
 */
final class LineCounter {

    private long lines;
    private boolean inLine;

    public void update(byte[] data, int offset, int length) {
        boolean open = inLine;
        long count = lines;
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = data[i];
            if (b == '\n') {
                if (open) {
                    count++;
                    open = false;
                }
            } else if (b != '\r') {
                open = true;
            }
        }
        inLine = open;
        lines = count;
    }

    /** Records seen so far, counting an unterminated last line. */
    public long lines() {
        return inLine ? lines + 1 : lines;
    }
}
