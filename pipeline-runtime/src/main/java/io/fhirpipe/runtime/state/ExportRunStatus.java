package io.fhirpipe.runtime.state;

/** Where an export run is in its life. */
public enum ExportRunStatus {
    /** Recorded; the kick-off has not been accepted yet (it may be waiting to retry). */
    REQUESTED,
    /** The FHIR server accepted the kick-off and is building the export. */
    ACCEPTED,
    /** The FHIR server finished; files are being transferred, split and loaded. */
    EXPORTED,
    /** Every expected chunk is loaded. */
    LOADED,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == LOADED || this == FAILED || this == CANCELLED;
    }
}
