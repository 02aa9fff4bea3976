package io.fhirpipe.fhirclient.config;

/**
 * How fhirpipe learns which resources a server deleted since the last export
 * ({@code fhirpipe.servers.<name>.deletes}). The Bulk Data IG makes {@code deleted[]} optional, and
 * servers differ: HAPI FHIR lists none, so its deletes have to be read from {@code _history}.
 */
public enum DeleteDetection {
    /** Only what the manifest's {@code deleted[]} files list (servers that write them). */
    MANIFEST,
    /**
     * Also the DELETE entries of the system {@code _history} since the export's {@code _since}, read
     * when the export completes; a full export (no {@code _since}) needs none.
     */
    HISTORY,
    /**
     * Azure's FHIR service: incremental exports ask for {@code includeAssociatedData=_deleted}, and the
     * soft-deleted versions that then come in the output (marked in {@code meta.extension}) are applied
     * as deletions by the loader, which does so for a marked line in any file.
     */
    SOFT_DELETED;

    /** How the configuration, the run record and the README name it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
