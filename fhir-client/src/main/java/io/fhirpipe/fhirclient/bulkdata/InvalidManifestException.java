package io.fhirpipe.fhirclient.bulkdata;

/** The server's manifest cannot be trusted to say what the export produced. */
class InvalidManifestException extends RuntimeException {
    public InvalidManifestException(String message) {
        super(message);
    }
}
