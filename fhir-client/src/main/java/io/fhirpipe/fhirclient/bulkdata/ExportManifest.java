package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.model.events.FileKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One page of a Bulk Data export manifest (the 200 answer to a status poll).
 *
 * @param nextPage the {@code link} with {@code relation: next}, when the server pages its manifest
 * @param message a server's free-text note (HAPI: "Export complete, but no data ...")
 */
public record ExportManifest(
        Instant transactionTime,
        String request,
        boolean requiresAccessToken,
        List<ManifestFile> files,
        Optional<String> nextPage,
        Optional<String> message) {

    public ExportManifest {
        files = List.copyOf(files);
    }

    public List<ManifestFile> files(FileKind kind) {
        return files.stream().filter(f -> f.kind() == kind).toList();
    }
}
