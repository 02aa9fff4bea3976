package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.model.storage.LandingBlob;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the tracker has heard about one export after the FHIR server finished it. Events arrive
 * on different topics in any order (a chunk can be loaded before its file's split.completed is read),
 * so each is stored under its own key and applying one twice changes nothing; whether the export is
 * loaded is computed from the whole, never counted up.
 *
 * @param completed the poller's export.completed (files expected), null until it arrives
 * @param splits    landing blob name → the newest generation the splitter reported for it
 * @param chunks    chunk blob name → what the loader reported
 * @param failedFiles landing blob name → why the transfer or the splitter gave the file up
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportProgress(
        String exportId,
        ExportCompleted completed,
        Map<String, FileSplit> splits,
        Map<String, ChunkOutcome> chunks,
        Map<String, String> failedFiles,
        Instant updatedAt) {

    public ExportProgress {
        splits = splits == null ? Map.of() : Map.copyOf(splits);
        chunks = chunks == null ? Map.of() : Map.copyOf(chunks);
        // absent from progress records written before files could fail
        failedFiles = failedFiles == null ? Map.of() : Map.copyOf(failedFiles);
    }

    public static ExportProgress empty(String exportId, Instant now) {
        return new ExportProgress(exportId, null, Map.of(), Map.of(), Map.of(), now);
    }

    public ExportProgress withCompleted(ExportCompleted event, Instant now) {
        return new ExportProgress(exportId, event, splits, chunks, failedFiles, now);
    }

    /** A file given up: unless it was split after all (a replay), the export cannot load completely. */
    public ExportProgress withFileFailed(FileFailed event, Instant now) {
        Map<String, String> next = new TreeMap<>(failedFiles);
        next.put(event.landingBlob(), event.stage() + " failed: " + event.reason());
        return new ExportProgress(exportId, completed, splits, chunks, next, now);
    }

    public ExportProgress withSplit(SplitCompleted event, Instant now) {
        Map<String, FileSplit> next = new TreeMap<>(splits);
        next.put(event.sourceBlob(), new FileSplit(event.resourceType(), event.sourceEtag(), event.chunkCount(),
                event.lineCount(), event.rejectedLines()));
        return new ExportProgress(exportId, completed, next, chunks, failedFiles, now);
    }

    public ExportProgress withChunk(ChunkLoaded event, Instant now) {
        return withChunk(event.chunkBlob(), ChunkOutcome.loaded(event.resourceType(), event.rowsLoaded(),
                event.rowsRejected()), now);
    }

    public ExportProgress withChunk(ChunkFailed event, Instant now) {
        ChunkOutcome previous = chunks.get(event.chunkBlob());
        if (previous != null && previous.loaded()) {
            // A chunk that loaded once stays loaded: a late failure report of an earlier attempt is stale.
            return this;
        }
        return withChunk(event.chunkBlob(), ChunkOutcome.failed(event.resourceType(), event.reason()), now);
    }

    private ExportProgress withChunk(String chunkBlob, ChunkOutcome outcome, Instant now) {
        Map<String, ChunkOutcome> next = new TreeMap<>(chunks);
        next.put(chunkBlob, outcome);
        return new ExportProgress(exportId, completed, splits, next, failedFiles, now);
    }

    /** Files the pipeline must split and load: outputs and deleted-resource lists, not error files. */
    @JsonIgnore
    public List<String> expectedLandingBlobs() {
        if (completed == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (ExpectedFile file : completed.files()) {
            if (file.kind() != FileKind.ERROR) {
                names.add(new LandingBlob(exportId, file.kind(), file.resourceType(), file.fileIndex(), false).name());
            }
        }
        return names;
    }

    /** The chunk blobs every split file announced, in order; a file not split yet contributes none. */
    @JsonIgnore
    public List<String> expectedChunkBlobs() {
        List<String> names = new ArrayList<>();
        for (String landing : expectedLandingBlobs()) {
            FileSplit split = splitOf(landing);
            if (split != null) {
                for (int i = 0; i < split.chunkCount(); i++) {
                    names.add(ChunkNames.chunkBlob(landingNameOf(landing), split.etag(), i));
                }
            }
        }
        return names;
    }

    /**
     * Where the tracker stands: waiting (and for what), loaded, or failed with the reasons of the
     * files given up and of the chunks that failed. A failed file that was split after all counts
     * as split.
     */
    @JsonIgnore
    public Verdict verdict() {
        if (completed == null) {
            return Verdict.waiting("the FHIR server has not finished the export");
        }
        int filesWaiting = 0;
        List<String> failures = new ArrayList<>();
        for (String landing : expectedLandingBlobs()) {
            if (splitOf(landing) != null) {
                continue;
            }
            String failed = failedFiles.containsKey(landing) ? failedFiles.get(landing) : failedFiles.get(landing + ".gz");
            if (failed != null) {
                failures.add("landing/" + landing + ": " + failed);
            } else {
                filesWaiting++;
            }
        }
        int failedFileCount = failures.size();
        int chunksWaiting = 0;
        for (String chunk : expectedChunkBlobs()) {
            ChunkOutcome outcome = chunks.get(chunk);
            if (outcome == null) {
                chunksWaiting++;
            } else if (!outcome.loaded()) {
                failures.add("chunks/" + chunk + ": " + outcome.reason());
            }
        }
        if (filesWaiting > 0 || chunksWaiting > 0) {
            return Verdict.waiting(filesWaiting + " file(s) not split, " + chunksWaiting + " chunk(s) not loaded");
        }
        return failures.isEmpty() ? Verdict.loaded() : Verdict.failed(failedFileCount, failures);
    }

    /** Per-type figures, keyed by resource type ({@code deleted:Type} for deleted-resource files). */
    @JsonIgnore
    public Map<String, TypeFigures> figures() {
        Map<String, TypeFigures> figures = new TreeMap<>();
        if (completed == null) {
            return figures;
        }
        for (ExpectedFile file : completed.files()) {
            if (file.kind() == FileKind.ERROR) {
                continue;
            }
            String key = file.kind() == FileKind.DELETED ? "deleted:" + file.resourceType() : file.resourceType();
            String landing = new LandingBlob(exportId, file.kind(), file.resourceType(), file.fileIndex(), false).name();
            FileSplit split = splitOf(landing);
            int chunksExpected = 0;
            int loaded = 0;
            int failed = 0;
            long rows = 0;
            long rowsRejected = 0;
            if (split != null) {
                chunksExpected = split.chunkCount();
                for (int i = 0; i < split.chunkCount(); i++) {
                    ChunkOutcome outcome = chunks.get(ChunkNames.chunkBlob(landingNameOf(landing), split.etag(), i));
                    if (outcome != null && outcome.loaded()) {
                        loaded++;
                        rows += outcome.rowsLoaded();
                        rowsRejected += outcome.rowsRejected();
                    } else if (outcome != null) {
                        failed++;
                    }
                }
            }
            TypeFigures before = figures.get(key);
            figures.put(key, new TypeFigures(key,
                    (before == null ? 0 : before.filesExpected()) + 1,
                    (before == null ? 0 : before.filesSplit()) + (split == null ? 0 : 1),
                    sumCounts(before == null ? null : before.manifestCount(), file.count(), before == null),
                    (before == null ? 0 : before.linesSplit()) + (split == null ? 0 : split.lineCount()),
                    (before == null ? 0 : before.linesRejected()) + (split == null ? 0 : split.rejectedLines()),
                    (before == null ? 0 : before.chunksExpected()) + chunksExpected,
                    (before == null ? 0 : before.chunksLoaded()) + loaded,
                    (before == null ? 0 : before.chunksFailed()) + failed,
                    (before == null ? 0 : before.rowsLoaded()) + rows,
                    (before == null ? 0 : before.rowsRejected()) + rowsRejected));
        }
        return figures;
    }

    /**
     * Figures that do not add up, in words: manifest count vs lines landed (valid + rejected), and
     * lines split vs rows the loader accounted for. Only meaningful once the export is loaded.
     */
    @JsonIgnore
    public List<String> mismatches() {
        List<String> problems = new ArrayList<>();
        for (TypeFigures f : figures().values()) {
            long landed = f.linesSplit() + f.linesRejected();
            if (f.manifestCount() != null && f.filesSplit() == f.filesExpected() && f.manifestCount() != landed) {
                problems.add(f.resourceType() + ": the manifest counts " + f.manifestCount() + " resources, "
                        + landed + " lines landed (" + f.linesRejected() + " rejected by the splitter)");
            }
            if (f.chunksLoaded() == f.chunksExpected() && f.filesSplit() == f.filesExpected()
                    && f.linesSplit() != f.rowsLoaded() + f.rowsRejected()) {
                problems.add(f.resourceType() + ": " + f.linesSplit() + " lines were split, the loader accounted for "
                        + (f.rowsLoaded() + f.rowsRejected()) + " (" + f.rowsRejected() + " rejected)");
            }
        }
        return problems;
    }

    /** Landing files may be gzip: the splitter reports the name it read. */
    private FileSplit splitOf(String landing) {
        FileSplit split = splits.get(landing);
        return split != null ? split : splits.get(landing + ".gz");
    }

    private String landingNameOf(String landing) {
        return splits.containsKey(landing) || !splits.containsKey(landing + ".gz") ? landing : landing + ".gz";
    }

    private static Long sumCounts(Long before, Long count, boolean first) {
        if (count == null || (!first && before == null)) {
            return null;
        }
        return (first ? 0L : before) + count;
    }

    public record Verdict(State state, String detail, List<String> failures) {
        public enum State { WAITING, LOADED, FAILED }

        static Verdict waiting(String detail) {
            return new Verdict(State.WAITING, detail, List.of());
        }

        static Verdict loaded() {
            return new Verdict(State.LOADED, "every expected chunk is loaded", List.of());
        }

        static Verdict failed(int files, List<String> failures) {
            int chunks = failures.size() - files;
            String what = files == 0 ? chunks + " chunk(s)" : chunks == 0 ? files + " file(s)"
                    : files + " file(s) and " + chunks + " chunk(s)";
            return new Verdict(State.FAILED, what + " failed", List.copyOf(failures));
        }
    }
}
