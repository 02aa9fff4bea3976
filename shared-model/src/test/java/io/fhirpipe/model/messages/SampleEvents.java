package io.fhirpipe.model.messages;

import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportLoaded;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.events.SplitCompleted;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One realistic instance of every message's data, with every optional field filled. */
final class SampleEvents {
    static final Instant T = Instant.parse("2026-11-26T05:31:32.857Z");
    static final String SHA = "a".repeat(64);

    static EventData sample(MessageType type) {
        return switch (type) {
            case EXPORT_REQUESTED ->
                new ExportRequested(
                        "exp-1",
                        "nightly",
                        "hapi",
                        ExportLevel.GROUP,
                        "grp-small",
                        List.of(),
                        List.of("Patient", "Observation"),
                        T,
                        T.plusSeconds(60),
                        List.of("Observation?category=laboratory"),
                        List.of("Patient.gender"),
                        "application/fhir+ndjson",
                        "exports",
                        "config.json",
                        "0x8D",
                        List.of("LatestProvenanceResources"),
                        T,
                        "api");
            case EXPORT_ACCEPTED ->
                new ExportAccepted(
                        "exp-1",
                        "nightly",
                        "hapi",
                        "http://127.0.0.1:8080/fhir/$export-poll-status?_jobId=62fb7ce6",
                        T,
                        0);
            case EXPORT_POLL_DUE ->
                new ExportAccepted(
                        "exp-1", null, "hapi", "http://127.0.0.1:8080/fhir/$export-poll-status?_jobId=62fb7ce6", T, 3);
            case EXPORT_FILE_READY ->
                new FileReady(
                        "exp-1",
                        "hapi",
                        FileKind.OUTPUT,
                        "Observation",
                        1,
                        "http://127.0.0.1:8080/fhir/Binary/iC1oGvlT",
                        1000L,
                        true,
                        T);
            case EXPORT_COMPLETED ->
                new ExportCompleted(
                        "exp-1",
                        "nightly",
                        T,
                        List.of(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 0, 250L),
                                new ExpectedFile(FileKind.ERROR, "OperationOutcome", 0, null)),
                        T);
            case EXPORT_FAILED ->
                new ExportFailed(
                        "exp-1",
                        "nightly",
                        "kickoff",
                        "the server rejected the request",
                        400,
                        List.of("HAPI-2039: Resource type Foo is not a supported resource type!"),
                        T);
            case CHUNK_READY ->
                new ChunkReady(
                        "exp-1",
                        "Observation",
                        "exp-1/Observation-0.ndjson",
                        "0x8DD1",
                        "exp-1/Observation/Observation-0/000003.ndjson",
                        3,
                        1000,
                        512000,
                        SHA);
            case SPLIT_COMPLETED ->
                new SplitCompleted("exp-1", "Observation", "exp-1/Observation-0.ndjson", "0x8DD1", 4, 3999, 1);
            case CHUNK_LOADED ->
                new ChunkLoaded("exp-1", "Observation", "exp-1/Observation/Observation-0/000003.ndjson", 998, 2, T);
            case CHUNK_FAILED ->
                new ChunkFailed(
                        "exp-1",
                        "Observation",
                        "exp-1/Observation/Observation-0/000003.ndjson",
                        "chunk blob not found",
                        T);
            case FILE_FAILED ->
                new FileFailed(
                        "exp-1",
                        FileKind.OUTPUT,
                        "Observation",
                        "exp-1/Observation-0.ndjson",
                        FileFailed.SPLIT,
                        "NotNdjson: line 3 is not JSON",
                        T);
            case EXPORT_LOADED ->
                new ExportLoaded("exp-1", "nightly", T, Map.of("Patient", 250L, "Observation", 2000L), T);
        };
    }

    private SampleEvents() {}
}
