package io.fhirpipe.exporttrigger.state;

import com.azure.storage.blob.BlobServiceClient;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.Versioned;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the transfer has landed of an export, read from its one-record-per-file state. The transfer
 * is the only writer of those records; the status API only reads them.
 */
@ApplicationScoped
public class LandedFiles {

    @Inject
    BlobServiceClient storage;

    /**
     * @param perType    keys as in the tracker's figures: the type, {@code deleted:Type}, or {@code error:Type}
     * @param errorFiles the error files (OperationOutcomes) the server wrote, with what the transfer read in them
     */
    public record Landed(Map<String, Integer> perType, List<ErrorFile> errorFiles) {}

    /** @param issues the first issues of the file as the transfer recorded them (severity, code, diagnostics) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorFile(String blob, Integer totalIssues, List<JsonNode> issues) {}

    public Landed of(String exportId) {
        JsonBlobStore state = new JsonBlobStore(storage.getBlobContainerClient(Containers.STATE));
        Map<String, Integer> counts = new TreeMap<>();
        List<ErrorFile> errors = new ArrayList<>();
        for (String name : state.names(StatePaths.transferRecordPrefix(exportId))) {
            StatePaths.landedBlobOf(name).ifPresent(blob -> {
                counts.merge(key(blob), 1, Integer::sum);
                if (blob.kind() == FileKind.ERROR) {
                    // an export has few error files: reading each record stays cheap
                    state.read(name, JsonNode.class)
                            .map(Versioned::value)
                            .ifPresent(record -> errors.add(errorFile(blob, record)));
                }
            });
        }
        return new Landed(counts, errors);
    }

    private static ErrorFile errorFile(LandingBlob blob, JsonNode record) {
        List<JsonNode> issues = new ArrayList<>();
        record.path("issues").forEach(issues::add);
        JsonNode total = record.path("totalIssues");
        return new ErrorFile(blob.name(), total.isNumber() ? total.intValue() : null, issues);
    }

    private static String key(LandingBlob blob) {
        return blob.kind() == FileKind.OUTPUT
                ? blob.resourceType()
                : blob.kind().wireName() + ":" + blob.resourceType();
    }
}
