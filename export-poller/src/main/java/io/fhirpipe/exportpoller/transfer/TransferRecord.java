package io.fhirpipe.exportpoller.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.events.FileKind;
import java.time.Instant;
import java.util.List;

/**
 * The transfer's record of one file, {@code state/transfers/{landing blob name}.json}: one
 * document per file, so parallel transfers of one export never contend for the export run.
 *
 * @param outcome {@code landed} or {@code already-landed}
 * @param blobCreatedEventId the BlobCreated event published for it, when one was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TransferRecord(
        String exportId,
        FileKind kind,
        String resourceType,
        int fileIndex,
        String source,
        String outcome,
        String blob,
        String etag,
        Long bytes,
        Long lines,
        Long expectedCount,
        Integer attempts,
        String blobCreatedEventId,
        List<OperationOutcome.Issue> issues,
        Integer totalIssues,
        Instant at) {}
