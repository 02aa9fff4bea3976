package io.fhirpipe.model.storage;

import io.fhirpipe.model.ids.Ids;

/** Names of the blobs in the {@code state} container. */
public final class StatePaths {

    private StatePaths() {}

    /** The run record of one export. */
    public static String exportRun(String exportId) {
        return "exports/" + requireSafe(exportId) + ".json";
    }

    /** The poller's poll loop of one export (polls, retries, how deletes were learned): only the poller writes it. */
    public static String pollState(String exportId) {
        return "polls/" + requireSafe(exportId) + ".json";
    }

    /** The claim on one export's kick-off attempt: only its holder calls the FHIR server. */
    public static String kickoffClaim(String exportId) {
        return "kickoffs/" + requireSafe(exportId) + ".json";
    }

    /** What the tracker has heard about one export after the server finished it (splits, chunk outcomes). */
    public static String exportProgress(String exportId) {
        return "progress/" + requireSafe(exportId) + ".json";
    }

    /** The transfer's record of one landed file (one document per file: parallel transfers never contend). */
    public static String transferRecord(LandingBlob blob) {
        return transferRecordPrefix(blob.exportId())
                + blob.name().substring(blob.exportId().length() + 1) + ".json";
    }

    /** Every transfer record of one export lies under this prefix. */
    public static String transferRecordPrefix(String exportId) {
        return "transfers/" + requireSafe(exportId) + "/";
    }

    /** The landing blob a transfer record is about, or empty for a name that is not a transfer record. */
    public static java.util.Optional<LandingBlob> landedBlobOf(String transferRecordName) {
        if (!transferRecordName.startsWith("transfers/") || !transferRecordName.endsWith(".json")) {
            return java.util.Optional.empty();
        }
        return LandingBlob.parse(
                transferRecordName.substring("transfers/".length(), transferRecordName.length() - ".json".length()));
    }

    public static String exportRunPrefix() {
        return "exports/";
    }

    /** The incremental watermark of a scheduled job: the transactionTime of its last loaded export. */
    public static String watermark(String job) {
        return "watermarks/" + requireSafe(job) + ".json";
    }

    private static String requireSafe(String id) {
        if (!Ids.isSafe(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a safe id (letters, digits, . _ -; at most 128)");
        }
        return id;
    }
}
