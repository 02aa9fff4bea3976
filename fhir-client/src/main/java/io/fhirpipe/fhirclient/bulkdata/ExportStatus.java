package io.fhirpipe.fhirclient.bulkdata;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What one status request told about an export (Bulk Data IG, "Status Request"). */
public sealed interface ExportStatus {

    /** 202: still running. */
    record InProgress(Optional<String> progress, Optional<Duration> retryAfter) implements ExportStatus {}

    /** 200: done; the manifest with all its pages read. */
    record Complete(ExportManifest manifest) implements ExportStatus {}

    /** 200, but the manifest (or one of its pages) cannot be trusted. */
    record InvalidManifest(String reason) implements ExportStatus {}

    /** Any other answer to the status request, with the server's OperationOutcome issues. */
    record Answered(int httpStatus, List<OperationOutcome.Issue> issues, Optional<Duration> retryAfter)
            implements ExportStatus {}

    /** No answer to the status request or a manifest page, or a page answered 429/5xx: ask again later. */
    record NotNow(String reason, Optional<Duration> retryAfter) implements ExportStatus {}
}
