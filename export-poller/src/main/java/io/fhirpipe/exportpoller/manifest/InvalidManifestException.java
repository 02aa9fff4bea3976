package io.fhirpipe.exportpoller.manifest;

/** The server's manifest cannot be trusted to say what the export produced. */
public class InvalidManifestException extends RuntimeException {
    public InvalidManifestException(String message) {
        super(message);
    }
}
