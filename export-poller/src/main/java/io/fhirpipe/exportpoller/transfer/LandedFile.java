package io.fhirpipe.exportpoller.transfer;

import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.storage.LandingBlob;
import java.time.Instant;
import java.util.List;

/**
 * A file that is in the landing container, complete and committed.
 *
 * @param etag the committed generation, without quotes (as Event Grid writes it)
 * @param attempts downloads this delivery made; 0 when an earlier delivery had landed it already
 * @param issues for error files: the OperationOutcome issues read while transferring (bounded)
 * @param totalIssues for error files: all issues in the file
 */
public record LandedFile(
        LandingBlob blob,
        String blobUrl,
        String etag,
        long bytes,
        long lines,
        Instant lastModified,
        int attempts,
        List<OperationOutcome.Issue> issues,
        int totalIssues) {

    public LandedFile {
        issues = issues == null ? List.of() : List.copyOf(issues);
    }

    public boolean alreadyLanded() {
        return attempts == 0;
    }
}
