package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportCompleted;
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportProgress(
        String exportId,
        ExportCompleted completed,
        Map<String, FileSplit> splits,
        Map<String, ChunkOutcome> chunks,
        Instant updatedAt) {

    public ExportProgress {
        splits = splits == null ? Map.of() : Map.copyOf(splits);
        chunks = chunks == null ? Map.of() : Map.copyOf(chunks);
    }

    public static ExportProgress empty(String exportId, Instant now) {
        return new ExportProgress(exportId, null, Map.of(), Map.of(), now);
    }

    public ExportProgress withCompleted(ExportCompleted event, Instant now) {
        return new ExportProgress(exportId, event, splits, chunks, now);
    }

    public ExportProgress withSplit(SplitCompleted event, Instant now) {
        Map<String, FileSplit> next = new TreeMap<>(splits);
        next.put(event.sourceBlob(), new FileSplit(event.resourceType(), event.sourceEtag(), event.chunkCount(),
                event.lineCount(), event.rejectedLines()));
        return new ExportProgress(exportId, completed, next, chunks, now);
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
        return new ExportProgress(exportId, completed, splits, next, now);
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

    /** Where the tracker stands: waiting (and for what), loaded, or failed with the chunks' reasons. */
    @JsonIgnore
    public Verdict verdict() {
        if (completed == null) {
            return Verdict.waiting("the FHIR server has not finished the export");
        }
        int filesWaiting = 0;
        for (String landing : expectedLandingBlobs()) {
            if (splitOf(landing) == null) {
                filesWaiting++;
            }
        }
        int chunksWaiting = 0;
        List<String> failures = new ArrayList<>();
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
        return failures.isEmpty() ? Verdict.loaded() : Verdict.failed(failures);
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
                    sumCounts(before == null ? 0L : before.manifestCount(), file.count(), before == null),
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

        static Verdict failed(List<String> failures) {
            return new Verdict(State.FAILED, failures.size() + " chunk(s) failed", List.copyOf(failures));
        }
    }
}
