package io.fhirpipe.synapseloader.chunk;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.fhir.FhirR4ResourceTypes;
import io.fhirpipe.model.storage.LandingBlob;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a {@code chunk.ready} names a chunk this loader may read. Chunks are always read
 * from the configured account's {@code chunks} container by name, so a URL can never be fetched;
 * the name must further sit in the folder the splitter derives from the source blob
 * ({@code {source stem}/{etag}/...}), and the export id and type must agree with the source path,
 * which is where they come from (never from a message's say-so).
 */
public final class ChunkBlobPolicy {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)*");

    public ChunkRef check(ChunkReady chunk) {
        String name = chunk.chunkBlob();
        if (name == null
                || !SAFE_NAME.matcher(name).matches()
                || name.contains("/../")
                || name.contains("/./")
                || name.endsWith("/..")) {
            throw new ChunkFailure(
                    ChunkFailure.FOREIGN_CHUNK,
                    "chunkBlob must be a blob name inside the chunks container, got '" + shorten(name) + "'");
        }
        Optional<LandingBlob> source = LandingBlob.parse(chunk.sourceBlob());
        if (source.isEmpty()) {
            throw new ChunkFailure(
                    ChunkFailure.FOREIGN_CHUNK,
                    "sourceBlob '" + shorten(chunk.sourceBlob()) + "' is not a landing file name");
        }
        LandingBlob landing = source.get();
        if (!landing.exportId().equals(chunk.exportId())
                || !landing.resourceType().equals(chunk.resourceType())) {
            throw new ChunkFailure(
                    ChunkFailure.FOREIGN_CHUNK,
                    "exportId/resourceType " + chunk.exportId() + "/" + chunk.resourceType()
                            + " do not match the source blob " + landing.name());
        }
        String folder = stem(landing.name()) + "/";
        if (!name.startsWith(folder) || name.length() == folder.length()) {
            throw new ChunkFailure(
                    ChunkFailure.FOREIGN_CHUNK,
                    "chunk '" + shorten(name) + "' is not in its source's folder '" + folder + "'");
        }
        if (!FhirR4ResourceTypes.isResourceType(chunk.resourceType())) {
            throw new ChunkFailure(
                    ChunkFailure.UNKNOWN_RESOURCE_TYPE,
                    "'" + chunk.resourceType() + "' is not a FHIR R4 resource type");
        }
        FileKind kind = landing.kind();
        if (kind == FileKind.ERROR) {
            throw new ChunkFailure(
                    ChunkFailure.FOREIGN_CHUNK,
                    "chunk of an error file (OperationOutcome) is not warehouse data: " + landing.name());
        }
        return new ChunkRef(chunk, kind, name + "#" + chunk.sha256());
    }

    private static String stem(String sourceBlob) {
        String stem = sourceBlob.endsWith(".gz") ? sourceBlob.substring(0, sourceBlob.length() - 3) : sourceBlob;
        return stem.substring(0, stem.length() - ".ndjson".length());
    }

    private static String shorten(String text) {
        if (text == null) {
            return "(null)";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
