package io.fhirpipe.exporttrigger.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.state.RunEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress document takes only what matches the export; everything else is ignored, counted and kept with its reason. */
class ExportProgressForgeryTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final String EXPORT = "exp-1";
    static final String PATIENTS = "exp-1/Patient-1.ndjson";

    static ExportCompleted completed(Instant transactionTime, ExpectedFile... files) {
        return new ExportCompleted(EXPORT, "nightly", transactionTime, List.of(files), NOW);
    }

    static ExportCompleted patientsOnly() {
        return completed(Instant.parse("2026-11-26T09:00:00Z"), new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 20L));
    }

    static ChunkLoaded loaded(int index, long rows) {
        return new ChunkLoaded(EXPORT, "Patient", ChunkNames.chunkBlob(PATIENTS, "e1", index), rows, 0, NOW);
    }

    static ExportProgress loadedExport() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(patientsOnly(), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", PATIENTS, "e1", 1, 20, 0), NOW)
                .withChunk(loaded(0, 20), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        return p;
    }

    @Test
    void aLoadedExportIgnoresEveryChangeAndARedeliveryIsNoChangeAtAll() {
        ExportProgress loaded = loadedExport();
        assertThat(loaded.withChunk(loaded(0, 20), NOW)).isSameAs(loaded);
        assertThat(loaded.withCompleted(patientsOnly(), NOW)).isSameAs(loaded);

        ExportProgress after = loaded.withChunk(loaded(0, 777), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", PATIENTS, "forged", 99, 9900, 0), NOW)
                .withCompleted(
                        completed(
                                Instant.parse("2030-01-01T00:00:00Z"),
                                new ExpectedFile(FileKind.OUTPUT, "Patient", 1, 20L),
                                new ExpectedFile(FileKind.OUTPUT, "Observation", 1, null)),
                        NOW)
                .withFileFailed(
                        new FileFailed(EXPORT, FileKind.OUTPUT, "Patient", PATIENTS, FileFailed.SPLIT, "x", NOW), NOW)
                .withChunk(new ChunkFailed(EXPORT, "Patient", ChunkNames.chunkBlob(PATIENTS, "e1", 1), "x", NOW), NOW);

        assertThat(after.verdict().state()).isEqualTo(State.LOADED);
        assertThat(after.figures()).isEqualTo(loaded.figures());
        assertThat(after.completed()).isEqualTo(loaded.completed());
        assertThat(after.ignoredCount()).isEqualTo(5);
        assertThat(after.ignored())
                .extracting(RunEvent::event)
                .containsExactly("chunk.loaded", "split.completed", "export.completed", "file.failed", "chunk.failed");
        assertThat(after.ignored().get(2).detail()).contains("differs from the first one");
    }

    @Test
    void reportsAboutFilesTheExportDoesNotHaveAreIgnored() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(patientsOnly(), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", "exp-1/Patient-2.ndjson", "e2", 1, 3, 0), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", "other/Patient-1.ndjson", "e2", 1, 3, 0), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Observation", PATIENTS, "e2", 1, 3, 0), NOW)
                .withSplit(
                        new SplitCompleted(
                                EXPORT, "OperationOutcome", "exp-1/error/OperationOutcome-1.ndjson", "e2", 1, 3, 0),
                        NOW)
                .withSplit(new SplitCompleted("exp-2", "Patient", PATIENTS, "e2", 1, 3, 0), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", "../../etc/passwd", "e2", 1, 3, 0), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", PATIENTS, "e2", 5, 3, 0), NOW)
                .withFileFailed(
                        new FileFailed(
                                EXPORT,
                                FileKind.OUTPUT,
                                "Patient",
                                "exp-1/Patient-9.ndjson",
                                FileFailed.SPLIT,
                                "x",
                                NOW),
                        NOW);
        assertThat(p.ignoredCount()).isEqualTo(8);
        assertThat(p.splits()).isEmpty();
        assertThat(p.failedFiles()).isEmpty();
        assertThat(p.verdict().detail()).isEqualTo("1 file(s) not split, 0 chunk(s) not loaded");
    }

    @Test
    void onlyChunksTheSplitAnnouncedCountWithNoMoreRowsThanTheFileHasLines() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withCompleted(patientsOnly(), NOW)
                .withSplit(new SplitCompleted(EXPORT, "Patient", PATIENTS, "e1", 2, 20, 0), NOW)
                .withChunk(loaded(0, 15), NOW)
                .withChunk(loaded(2, 1), NOW) // not announced
                .withChunk(loaded(1, 6), NOW) // 15 + 6 > 20 lines
                .withChunk(new ChunkLoaded(EXPORT, "Patient", ChunkNames.chunkBlob(PATIENTS, "e9", 1), 5, 0, NOW), NOW)
                .withChunk(new ChunkLoaded(EXPORT, "Patient", "not-a-chunk", 5, 0, NOW), NOW)
                .withChunk(new ChunkLoaded(EXPORT, "Patient", ChunkNames.chunkBlob(PATIENTS, "e1", 1), -5, 0, NOW), NOW)
                .withChunk(loaded(0, 16), NOW); // loaded already with 15
        assertThat(p.ignoredCount()).isEqualTo(6);
        assertThat(p.verdict().detail()).isEqualTo("0 file(s) not split, 1 chunk(s) not loaded");
        p = p.withChunk(loaded(1, 5), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        assertThat(p.figures().get("Patient").rowsLoaded()).isEqualTo(20);
    }

    @Test
    void chunksHeldBeforeTheirSplitCountOnlyWhenTheSplitNamesThemAndTheyFit() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW)
                .withChunk(loaded(0, 4), NOW)
                .withChunk(loaded(1, 777), NOW)
                .withChunk(loaded(7, 1), NOW)
                .withChunk(
                        new ChunkLoaded(
                                EXPORT,
                                "Observation",
                                ChunkNames.chunkBlob("exp-1/Observation-1.ndjson", "e1", 0),
                                3,
                                0,
                                NOW),
                        NOW);
        assertThat(p.ignoredCount()).isZero();
        assertThat(p.chunks()).hasSize(4);

        p = p.withCompleted(patientsOnly(), NOW);
        assertThat(p.chunks()).as("the Observation file is not in the manifest").hasSize(3);
        p = p.withSplit(new SplitCompleted(EXPORT, "Patient", PATIENTS, "e1", 2, 20, 0), NOW);
        assertThat(p.chunks()).containsOnlyKeys(ChunkNames.chunkBlob(PATIENTS, "e1", 0));
        assertThat(p.ignoredCount()).isEqualTo(3);
        assertThat(p.ignored())
                .extracting(RunEvent::detail)
                .anySatisfy(d -> assertThat(d).contains("777 row(s)"));
        p = p.withChunk(loaded(1, 16), NOW);
        assertThat(p.verdict().state()).isEqualTo(State.LOADED);
        assertThat(p.figures().get("Patient").rowsLoaded()).isEqualTo(20);
    }

    @Test
    void ignoredEventsAreCountedButOnlyTheLatestAreKept() {
        ExportProgress p = loadedExport();
        for (int i = 0; i < 50; i++) {
            p = p.withChunk(loaded(0, 100 + i), NOW);
        }
        assertThat(p.ignoredCount()).isEqualTo(50);
        assertThat(p.ignored()).hasSize(ExportProgress.MAX_IGNORED_KEPT);
        assertThat(p.ignored().get(ExportProgress.MAX_IGNORED_KEPT - 1).detail())
                .contains("loaded");
    }

    @Test
    void aFloodOfReportsThatCannotBeCheckedYetIsRefusedForNowNotStored() {
        ExportProgress p = ExportProgress.empty(EXPORT, NOW);
        for (int i = 0; i < ExportProgress.MAX_HELD; i++) {
            p = p.withChunk(loaded(i, 1), NOW);
        }
        ExportProgress full = p;
        assertThatThrownBy(() -> full.withChunk(loaded(ExportProgress.MAX_HELD, 1), NOW))
                .isInstanceOf(TransientFailure.class);
        // a redelivery of one already held is still fine
        assertThat(full.withChunk(loaded(0, 1), NOW)).isSameAs(full);
    }

    @Test
    void textFromMessagesIsEscapedInTheReasons() throws Exception {
        ExportProgress p = loadedExport()
                .withChunk(new ChunkLoaded(EXPORT, "Patient", "x\n2026 INFO forged\u202e", 1, 0, NOW), NOW);
        assertThat(p.ignored().get(0).detail())
                .doesNotContain("\n")
                .doesNotContain("\u202e")
                .contains("\\n");
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(p), ExportProgress.class))
                .isEqualTo(p);
    }
}
