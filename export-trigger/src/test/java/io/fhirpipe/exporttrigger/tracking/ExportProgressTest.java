package io.fhirpipe.exporttrigger.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.exporttrigger.tracking.ExportProgress.Verdict.State;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.storage.ChunkNames;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportProgressTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final String EXPORT = "exp-1";

    static ExportCompleted completed(ExpectedFile... files) {
        return new ExportCompleted(EXPORT, "nightly", Instant.parse("2026-11-26T09:00:00Z"), List.of(files), NOW);
    }

    static SplitCompleted split(String source, String etag, int chunks, long lines, long rejected) {
        String type = source.replaceAll(".*/([A-Za-z]+)-\\d+\\.ndjson.*", "$1");
        return new SplitCompleted(EXPORT, type, source, etag, chunks, lines, rejected);
    }

    static ChunkLoaded loaded(String source, String etag, int index, long rows, long rejected) {
        String type = source.replaceAll(".*/([A-Za-z]+)-\\d+\\.ndjson.*", "$1");
        return new ChunkLoaded(EXPORT, type, ChunkNames.chunkBlob(source, etag, index), rows, rejected, NOW);
    }

    @Test
    void anExportIsLoadedOnlyWhenEveryChunkOfEveryExpectedFileIsLoadedWhateverTheOrder() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                // a chunk loaded before anything else about the export is known
                .withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 0, 2, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.WAITING);

        p = p.withCompleted(
                completed(
                        new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 5L),
                        new ExpectedFile(FileKind.OUTPUT, "Patient", 2, null),
                        new ExpectedFile(FileKind.DELETED, "Bundle", 1, null),
                        new ExpectedFile(FileKind.ERROR, "OperationOutcome", 1, null)),
                NOW);
        assertThat(p.verdict().detail()).isEqualTo("3 file(s) not split, 0 chunk(s) not loaded");

        p = p.withSplit(split("exp-1/Patient-1.ndjson", "e1", 2, 4, 1), NOW)
                .withSplit(split("exp-1/Patient-2.ndjson.gz", "e2", 1, 3, 0), NOW)
                .withSplit(split("exp-1/deleted/Bundle-1.ndjson", "e3", 1, 1, 0), NOW);
        assertThat(p.verdict().detail()).isEqualTo("0 file(s) not split, 3 chunk(s) not loaded");

        p = p.withChunk(loaded("exp-1/Patient-2.ndjson.gz", "e2", 0, 3, 0), NOW)
                .withChunk(loaded("exp-1/deleted/Bundle-1.ndjson", "e3", 0, 1, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.WAITING);
        p = p.withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 1, 1, 1), NOW);
        // applied twice: nothing changes
        p = p.withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 1, 1, 1), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);

        TypeFigures patient = p.figures().get("Patient");
        assertThat(patient).isEqualTo(new TypeFigures("Patient", 2, 2, null, 7, 1, 3, 3, 0, 6, 1));
        assertThat(p.figures()).containsOnlyKeys("Patient", "deleted:Bundle");
        assertThat(p.mismatches()).isEmpty();
    }

    @Test
    void aFileGivenUpFailsTheExportOnceTheOtherFilesAreLoadedAndAReplayThatSplitsItRecovers() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(
                        completed(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 2, null)),
                        NOW)
                .withFileFailed(
                        new FileFailed(
                                EXPORT,
                                FileKind.OUTPUT,
                                "Patient",
                                "exp-1/Patient-2.ndjson",
                                FileFailed.TRANSFER,
                                "LineCountMismatch: 3 lines, the manifest says 5",
                                NOW),
                        NOW);
        assertThat(p.verdict().detail()).isEqualTo("1 file(s) not split, 0 chunk(s) not loaded");

        p = p.withSplit(split("exp-1/Patient-1.ndjson", "e1", 1, 2, 0), NOW)
                .withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 0, 2, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.FAILED);
        assertThat(p.verdict().detail()).isEqualTo("1 file(s) failed");
        assertThat(p.verdict().failures())
                .containsExactly(
                        "landing/exp-1/Patient-2.ndjson: transfer failed: LineCountMismatch: 3 lines, the manifest says 5");

        // replayed by hand and split after all: its chunks are awaited, then the export loads
        p = p.withSplit(split("exp-1/Patient-2.ndjson", "e2", 1, 5, 0), NOW);
        assertThat(p.verdict().detail()).isEqualTo("0 file(s) not split, 1 chunk(s) not loaded");
        p = p.withChunk(loaded("exp-1/Patient-2.ndjson", "e2", 0, 5, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
    }

    @Test
    void aProgressRecordFromBeforeFailedFilesReadsWithNone() throws Exception {
        String old = "{\"exportId\":\"exp-1\",\"splits\":{},\"chunks\":{},\"updatedAt\":\"2026-11-26T10:00:00Z\"}";
        ExportProgress p = Json.mapper().readValue(old, ExportProgress.class);
        assertThat(p.failedFiles()).isEmpty();
        ExportProgress failed = p.withFileFailed(
                new FileFailed(
                        EXPORT,
                        FileKind.OUTPUT,
                        "Patient",
                        "exp-1/Patient-2.ndjson",
                        FileFailed.SPLIT,
                        "NotNdjson",
                        NOW),
                NOW);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(failed), ExportProgress.class))
                .isEqualTo(failed);
    }

    @Test
    void aFailedChunkFailsTheExportWithItsReasonOnceNothingElseIsPending() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(completed(new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null)), NOW)
                .withSplit(split("exp-1/Observation-1.ndjson", "e1", 2, 10, 0), NOW)
                .withChunk(
                        new ChunkFailed(
                                EXPORT,
                                "Observation",
                                ChunkNames.chunkBlob("exp-1/Observation-1.ndjson", "e1", 0),
                                "UnknownResourceType: no table",
                                NOW),
                        NOW);
        assertThat(p.verdict().state()).isEqualTo(State.WAITING);
        p = p.withChunk(loaded("exp-1/Observation-1.ndjson", "e1", 1, 5, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.FAILED);
        assertThat(p.verdict().failures())
                .containsExactly("chunks/exp-1/Observation-1/e1/000000.ndjson: UnknownResourceType: no table");
    }

    @Test
    void aLateFailureReportDoesNotUndoALoadedChunk() {
        String source = "exp-1/Observation-1.ndjson";
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withChunk(loaded(source, "e1", 0, 5, 0), NOW)
                .withChunk(
                        new ChunkFailed(EXPORT, "Observation", ChunkNames.chunkBlob(source, "e1", 0), "late", NOW),
                        NOW);
        assertThat(p.chunks().get(ChunkNames.chunkBlob(source, "e1", 0)).loaded())
                .isTrue();
    }

    @Test
    void aNewGenerationOfAFileReplacesTheOldOneAndItsChunksAreTheOnesExpected() {
        // Patient-2 is not split yet, so the export is still waiting when Patient-1 is split again.
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(
                        completed(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 2, null)),
                        NOW)
                .withSplit(split("exp-1/Patient-1.ndjson", "old", 1, 3, 0), NOW)
                .withChunk(loaded("exp-1/Patient-1.ndjson", "old", 0, 3, 0), NOW)
                .withSplit(split("exp-1/Patient-2.ndjson", "e2", 1, 1, 0), NOW)
                .withSplit(split("exp-1/Patient-1.ndjson", "new", 1, 4, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.WAITING);
        p = p.withChunk(loaded("exp-1/Patient-1.ndjson", "new", 0, 4, 0), NOW)
                .withChunk(loaded("exp-1/Patient-2.ndjson", "e2", 0, 1, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        assertThat(p.figures().get("Patient").rowsLoaded()).isEqualTo(5);

        // Once loaded, the figures are final: a further generation is ignored.
        ExportProgress after = p.withSplit(split("exp-1/Patient-1.ndjson", "newer", 1, 9, 0), NOW);
        assertThat(after.verdict().state()).isEqualTo(State.LOADED);
        assertThat(after.figures()).isEqualTo(p.figures());
        assertThat(after.ignoredCount()).isEqualTo(p.ignoredCount() + 1);
    }

    @Test
    void aTypeInSeveralFilesWithoutManifestCountsIsFollowedToLoaded() {
        // HAPI writes at most 1,000 resources per file and gives no count
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(
                        completed(
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 2, null),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 3, null)),
                        NOW);
        for (int i = 1; i <= 3; i++) {
            String source = "exp-1/Observation-" + i + ".ndjson";
            p = p.withSplit(split(source, "e" + i, 1, i == 3 ? 17 : 1000, 0), NOW)
                    .withChunk(loaded(source, "e" + i, 0, i == 3 ? 17 : 1000, 0), NOW);
        }
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        assertThat(p.figures().get("Observation"))
                .isEqualTo(new TypeFigures("Observation", 3, 3, null, 2017, 0, 3, 3, 0, 2017, 0));
        assertThat(p.mismatches()).isEmpty();
    }

    @Test
    void aCountOnEveryFileIsSummedAndOneMissingCountMakesTheSumUnknown() {
        ExportProgress counted = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(
                        completed(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 1000L),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 2, 5L)),
                        NOW);
        assertThat(counted.figures().get("Patient").manifestCount()).isEqualTo(1005L);
        ExportProgress partly = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(
                        completed(
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, null),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 2, 5L)),
                        NOW);
        assertThat(partly.figures().get("Patient").manifestCount()).isNull();
    }

    @Test
    void figuresThatDoNotAddUpAreReportedNotHidden() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(completed(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 10L)), NOW)
                .withSplit(split("exp-1/Patient-1.ndjson", "e1", 1, 8, 1), NOW)
                .withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 0, 7, 0), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        assertThat(p.mismatches())
                .containsExactly(
                        "Patient: the manifest counts 10 resources, 9 lines landed (1 rejected by the splitter)",
                        "Patient: 8 lines were split, the loader accounted for 7 (0 rejected)");
    }

    @Test
    void anExportWithoutFilesIsLoadedAtOnce() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW).withCompleted(completed(), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
    }

    @Test
    void theDocumentRoundTripsThroughJson() throws Exception {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(completed(new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 5L)), NOW)
                .withSplit(split("exp-1/Patient-1.ndjson", "e1", 1, 5, 0), NOW)
                .withChunk(loaded("exp-1/Patient-1.ndjson", "e1", 0, 5, 0), NOW);
        String json = Json.mapper().writeValueAsString(p);
        assertThat(json).doesNotContain("verdict").doesNotContain("figures");
        assertThat(Json.mapper().readValue(json, ExportProgress.class)).isEqualTo(p);
    }
}
