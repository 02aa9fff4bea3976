package io.fhirpipe.synapseloader.warehouse;

/**
 * The longest NDJSON line a warehouse's bulk load takes, in bytes as stored (UTF-8, without the
 * line end). A longer line would fail the whole chunk's load, so the loader diverts it to
 * {@code rejected/} instead ({@link io.fhirpipe.synapseloader.rejects.OversizedLines}).
 *
 * @param maxBytes lines of more bytes are diverted
 * @param why the engine's limit, for the reject reason
 */
public record LineLimit(long maxBytes, String why) {

    public LineLimit {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("a line limit must be positive");
        }
    }
}
