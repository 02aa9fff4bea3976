package io.fhirpipe.exporttrigger.state;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.JsonBlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.TreeMap;

/** How many files of an export the transfer has landed, per type, from its one-record-per-file state. */
@ApplicationScoped
public class LandedFiles {

    @Inject
    BlobServiceClient storage;

    /** Keys as in the tracker's figures: the type, {@code deleted:Type}, or {@code error:Type}. */
    public Map<String, Integer> perType(String exportId) {
        JsonBlobStore state = new JsonBlobStore(storage.getBlobContainerClient(Containers.STATE));
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : state.names(StatePaths.transferRecordPrefix(exportId))) {
            StatePaths.landedBlobOf(name).ifPresent(blob -> counts.merge(key(blob), 1, Integer::sum));
        }
        return counts;
    }

    private static String key(LandingBlob blob) {
        return blob.kind() == FileKind.OUTPUT ? blob.resourceType() : blob.kind().wireName() + ":" + blob.resourceType();
    }
}
