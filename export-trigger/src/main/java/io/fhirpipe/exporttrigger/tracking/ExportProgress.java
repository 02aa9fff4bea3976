package io.fhirpipe.exporttrigger.tracking;

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
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.state.RunEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the tracker has heard about one export after the FHIR server finished it. Events arrive
 * on different topics in any order (a chunk can be loaded before its file's split.completed is read),
 * so each is stored under its own key and applying one twice changes nothing; whether the export is
 * loaded is computed from the whole, never counted up.
 *
 * <p>Anyone who can post to a topic can post these events, so each is checked against what the export
 * is known to consist of before it counts: the first export.completed fixes the expected files; a
 * split.completed counts only for an expected file of this export; a chunk report only for a chunk
 * its file's split announced, with no more rows than the file has lines left; and once the export is
 * loaded its figures are final. A report that cannot be checked yet (a chunk before its split, a split
 * before the manifest) is held, and counts only once what it claims is confirmed. An event that does
 * not fit is ignored: counted in {@code ignoredCount}, the latest few kept in {@code ignored} with the
 * reason.
 *
 * @param completed the poller's export.completed (files expected), null until it arrives
 * @param splits    landing blob name → the newest generation the splitter reported for it
 * @param chunks    chunk blob name → what the loader reported
 * @param failedFiles landing blob name → why the transfer or the splitter gave the file up
 * @param ignoredCount events ignored because they did not match the export
 * @param ignored   the latest of them (at most {@value #MAX_IGNORED_KEPT}): event type and reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportProgress(
        String exportId,
        ExportCompleted completed,
        Map<String, FileSplit> splits,
        Map<String, ChunkOutcome> chunks,
        Map<String, String> failedFiles,
        Instant updatedAt,
        long ignoredCount,
        List<RunEvent> ignored) {

    static final int MAX_IGNORED_KEPT = 20;

    /**
     * Reports held before they can be checked. Legitimately only a few (the tracker's topics are read
     * independently, so a split.completed may lag its chunks'); a flood is refused for now, to be
     * redelivered later, rather than growing the document or dropping a report that may be real.
     */
    static final int MAX_HELD = 1_000;

    private static final Pattern CHUNK =
            Pattern.compile("(?<stem>.+)/(?<token>[A-Za-z0-9]{1,64})/(?<index>\\d{6,9})\\.ndjson");

    public ExportProgress {
        splits = splits == null ? Map.of() : Map.copyOf(splits);
        chunks = chunks == null ? Map.of() : Map.copyOf(chunks);
        // absent from progress records written before files could fail, or events be ignored
        failedFiles = failedFiles == null ? Map.of() : Map.copyOf(failedFiles);
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    public static ExportProgress empty(String exportId, Instant now) {
        return new ExportProgress(exportId, null, Map.of(), Map.of(), Map.of(), now, 0, List.of());
    }

    /** The first manifest fixes the files; a redelivery changes nothing and a different one is ignored. */
    public ExportProgress withCompleted(ExportCompleted event, Instant now) {
        String what = "export.completed";
        if (!exportId.equals(event.exportId())) {
            return ignore(now, what, "names export " + LogValues.quoted(event.exportId()));
        }
        if (completed != null) {
            return sameManifest(completed, event)
                    ? this
                    : ignore(
                            now,
                            what,
                            "differs from the first one ("
                                    + event.files().size() + " file(s), transactionTime " + event.transactionTime()
                                    + "), which fixed the expected files");
        }
        for (ExpectedFile file : event.files()) {
            if (file.resourceType() == null || file.kind() == null || file.fileIndex() < 0) {
                return ignore(now, what, "lists a file without kind, type or index");
            }
        }
        return new ExportProgress(exportId, event, splits, chunks, failedFiles, now, ignoredCount, ignored)
                .withoutUnexpected(now);
    }

    /** A file given up: unless it was split after all (a replay), the export cannot load completely. */
    public ExportProgress withFileFailed(FileFailed event, Instant now) {
        String what = "file.failed";
        String reason = event.stage() + " failed: " + event.reason();
        if (reason.equals(failedFiles.get(event.landingBlob()))) {
            return this;
        }
        String wrong = wrongFile(event.exportId(), event.resourceType(), event.landingBlob());
        if (wrong != null) {
            return ignore(now, what, wrong);
        }
        if (isLoaded()) {
            return ignore(now, what, "the export is loaded; its figures are final");
        }
        held(event.landingBlob());
        Map<String, String> next = new TreeMap<>(failedFiles);
        next.put(event.landingBlob(), reason);
        return new ExportProgress(exportId, completed, splits, chunks, next, now, ignoredCount, ignored);
    }

    /** A file split (again: a replay of a failed file counts, as does a new generation of a waiting file). */
    public ExportProgress withSplit(SplitCompleted event, Instant now) {
        String what = "split.completed";
        String wrong = wrongFile(event.exportId(), event.resourceType(), event.sourceBlob());
        if (wrong != null) {
            return ignore(now, what, wrong);
        }
        if (event.sourceEtag() == null || event.sourceEtag().isBlank()) {
            return ignore(now, what, "has no source ETag");
        }
        if (event.chunkCount() < 0
                || event.lineCount() < 0
                || event.rejectedLines() < 0
                || event.chunkCount() > Math.max(1, event.lineCount())) {
            return ignore(
                    now,
                    what,
                    "figures do not add up: " + event.chunkCount() + " chunk(s) of " + event.lineCount() + " line(s), "
                            + event.rejectedLines() + " rejected");
        }
        FileSplit split = new FileSplit(
                event.resourceType(),
                ChunkNames.normalizeEtag(event.sourceEtag()),
                event.chunkCount(),
                event.lineCount(),
                event.rejectedLines());
        if (split.equals(splits.get(event.sourceBlob()))) {
            return this;
        }
        if (isLoaded()) {
            return ignore(now, what, "the export is loaded; its figures are final");
        }
        held(event.sourceBlob());
        Map<String, FileSplit> next = new TreeMap<>(splits);
        next.put(event.sourceBlob(), split);
        return new ExportProgress(exportId, completed, next, chunks, failedFiles, now, ignoredCount, ignored)
                .withHeldChunksOf(event.sourceBlob(), now);
    }

    public ExportProgress withChunk(ChunkLoaded event, Instant now) {
        if (event.rowsLoaded() < 0 || event.rowsRejected() < 0) {
            return ignore(now, "chunk.loaded", "negative row counts");
        }
        return withChunk(
                "chunk.loaded",
                event.exportId(),
                event.resourceType(),
                event.chunkBlob(),
                ChunkOutcome.loaded(event.resourceType(), event.rowsLoaded(), event.rowsRejected()),
                now);
    }

    public ExportProgress withChunk(ChunkFailed event, Instant now) {
        ChunkOutcome previous = chunks.get(event.chunkBlob());
        if (previous != null && previous.loaded()) {
            // A chunk that loaded once stays loaded: a late failure report of an earlier attempt is stale.
            return this;
        }
        return withChunk(
                "chunk.failed",
                event.exportId(),
                event.resourceType(),
                event.chunkBlob(),
                ChunkOutcome.failed(event.resourceType(), event.reason()),
                now);
    }

    private ExportProgress withChunk(
            String what,
            String eventExportId,
            String resourceType,
            String chunkBlob,
            ChunkOutcome outcome,
            Instant now) {
        ChunkOutcome previous = chunks.get(chunkBlob);
        if (outcome.equals(previous)) {
            return this;
        }
        Matcher name = chunkBlob == null ? null : CHUNK.matcher(chunkBlob);
        if (name == null || !name.matches()) {
            return ignore(now, what, LogValues.quoted(chunkBlob) + " is not a chunk name");
        }
        String landing = name.group("stem") + ".ndjson";
        String wrong = wrongFile(eventExportId, resourceType, landing);
        if (wrong != null) {
            return ignore(now, what, "chunk " + LogValues.quoted(chunkBlob) + ": " + wrong);
        }
        if (isLoaded()) {
            return ignore(now, what, "the export is loaded; its figures are final");
        }
        if (previous != null && previous.loaded()) {
            return ignore(
                    now,
                    what,
                    "chunk " + LogValues.quoted(chunkBlob) + " was reported loaded with " + previous.rowsLoaded()
                            + " row(s) already");
        }
        String source = splitKeyOf(landing);
        FileSplit split = source == null ? null : splits.get(source);
        if (split != null) {
            String unfit = unfit(source, split, chunkBlob, outcome);
            if (unfit != null) {
                return ignore(now, what, unfit);
            }
        } else {
            held(chunkBlob);
        }
        Map<String, ChunkOutcome> next = new TreeMap<>(chunks);
        next.put(chunkBlob, outcome);
        return new ExportProgress(exportId, completed, splits, next, failedFiles, now, ignoredCount, ignored);
    }

    /** Why a report about {@code landing} does not belong to this export's files, or null when it may. */
    private String wrongFile(String eventExportId, String resourceType, String landing) {
        if (!exportId.equals(eventExportId)) {
            return "names export " + LogValues.quoted(eventExportId);
        }
        LandingBlob blob = LandingBlob.parse(landing).orElse(null);
        if (blob == null || !exportId.equals(blob.exportId())) {
            return LogValues.quoted(landing) + " is not a landing file of this export";
        }
        if (blob.kind() == FileKind.ERROR) {
            return LogValues.quoted(landing) + " is an error file; only outputs and deleted files are loaded";
        }
        if (!blob.resourceType().equals(resourceType)) {
            return "resource type " + LogValues.quoted(resourceType) + " is not the file's " + blob.resourceType();
        }
        if (completed != null && !expectedLandingBlobs().contains(plain(landing))) {
            return LogValues.quoted(landing) + " is not a file the export's manifest lists";
        }
        return null;
    }

    /** Why a chunk report does not fit its file's split, or null when it does. */
    private String unfit(String source, FileSplit split, String chunkBlob, ChunkOutcome outcome) {
        int index = -1;
        for (int i = 0; i < split.chunkCount(); i++) {
            if (ChunkNames.chunkBlob(source, split.etag(), i).equals(chunkBlob)) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            return "chunk " + LogValues.quoted(chunkBlob) + " is not one of the " + split.chunkCount()
                    + " chunk(s) the split of landing/" + source + " announced";
        }
        long left = split.lineCount() - rowsOfOtherChunks(source, split, chunkBlob);
        long rows = outcome.rowsLoaded() + outcome.rowsRejected();
        if (rows > left) {
            return "chunk " + LogValues.quoted(chunkBlob) + " reports " + rows + " row(s); its file has "
                    + split.lineCount() + " line(s), " + left + " not accounted for by its other chunks";
        }
        return null;
    }

    private long rowsOfOtherChunks(String source, FileSplit split, String except) {
        long rows = 0;
        for (int i = 0; i < split.chunkCount(); i++) {
            String name = ChunkNames.chunkBlob(source, split.etag(), i);
            ChunkOutcome other = name.equals(except) ? null : chunks.get(name);
            if (other != null) {
                rows += other.rowsLoaded() + other.rowsRejected();
            }
        }
        return rows;
    }

    /**
     * The split named the chunks of its file: what was held for the file counts now if the split
     * announced it and its rows fit, taken in chunk order; the rest goes.
     */
    private ExportProgress withHeldChunksOf(String source, Instant now) {
        String first = ChunkNames.chunkBlob(source, "x", 0);
        String prefix = first.substring(0, first.length() - "x/000000.ndjson".length());
        FileSplit split = splits.get(source);
        Map<String, ChunkOutcome> kept = new TreeMap<>(chunks);
        kept.keySet().removeIf(name -> name.startsWith(prefix));
        ExportProgress result = this;
        for (Map.Entry<String, ChunkOutcome> held : new TreeMap<>(chunks).entrySet()) {
            if (!held.getKey().startsWith(prefix)) {
                continue;
            }
            ExportProgress sofar = new ExportProgress(exportId, completed, splits, kept, failedFiles, now, 0, null);
            String unfit = sofar.unfit(source, split, held.getKey(), held.getValue());
            if (unfit == null) {
                kept.put(held.getKey(), held.getValue());
            } else {
                result = result.ignore(
                        now,
                        held.getValue().loaded() ? "chunk.loaded" : "chunk.failed",
                        "held until the split: " + unfit);
            }
        }
        return new ExportProgress(
                exportId, completed, splits, kept, failedFiles, now, result.ignoredCount, result.ignored);
    }

    /** The manifest is known: what was held for files it does not list can never count. */
    private ExportProgress withoutUnexpected(Instant now) {
        ExportProgress result = this;
        Map<String, FileSplit> keptSplits = new TreeMap<>(splits);
        keptSplits
                .keySet()
                .removeIf(name -> wrongFile(exportId, splits.get(name).resourceType(), name) != null);
        Map<String, String> keptFailures = new TreeMap<>(failedFiles);
        keptFailures.keySet().removeIf(name -> !expectedLandingBlobs().contains(plain(name)));
        Map<String, ChunkOutcome> keptChunks = new TreeMap<>(chunks);
        keptChunks.keySet().removeIf(name -> {
            Matcher m = CHUNK.matcher(name);
            return !m.matches() || !expectedLandingBlobs().contains(m.group("stem") + ".ndjson");
        });
        int dropped = splits.size()
                - keptSplits.size()
                + failedFiles.size()
                - keptFailures.size()
                + chunks.size()
                - keptChunks.size();
        if (dropped > 0) {
            result = result.ignore(
                    now,
                    "export.completed",
                    dropped + " report(s) held for files the manifest does not list were dropped");
        }
        return new ExportProgress(
                exportId, completed, keptSplits, keptChunks, keptFailures, now, result.ignoredCount, result.ignored);
    }

    private void held(String name) {
        int held = heldCount();
        if (held >= MAX_HELD
                && !chunks.containsKey(name)
                && !splits.containsKey(name)
                && !failedFiles.containsKey(name)) {
            throw new TransientFailure(
                    "export " + exportId + " holds " + held
                            + " reports that cannot be checked yet; this one is refused for now",
                    null);
        }
    }

    /** Reports not yet confirmed: before the manifest everything; after it, chunks of files not split yet. */
    private int heldCount() {
        if (completed == null) {
            return splits.size() + chunks.size() + failedFiles.size();
        }
        int held = 0;
        for (String chunk : chunks.keySet()) {
            Matcher m = CHUNK.matcher(chunk);
            if (m.matches() && splitKeyOf(m.group("stem") + ".ndjson") == null) {
                held++;
            }
        }
        return held;
    }

    private boolean isLoaded() {
        return completed != null && verdict().state() == Verdict.State.LOADED;
    }

    private ExportProgress ignore(Instant now, String event, String reason) {
        List<RunEvent> latest = new ArrayList<>(ignored);
        latest.add(new RunEvent(now, event, reason));
        while (latest.size() > MAX_IGNORED_KEPT) {
            latest.remove(0);
        }
        return new ExportProgress(exportId, completed, splits, chunks, failedFiles, now, ignoredCount + 1, latest);
    }

    private static boolean sameManifest(ExportCompleted a, ExportCompleted b) {
        return Objects.equals(a.job(), b.job())
                && Objects.equals(a.transactionTime(), b.transactionTime())
                && a.files().equals(b.files());
    }

    private static String plain(String landing) {
        return landing.endsWith(".gz") ? landing.substring(0, landing.length() - 3) : landing;
    }

    /** The key the split of a landing file is stored under (it may be gzip), or null when not split. */
    private String splitKeyOf(String landing) {
        String plain = plain(landing);
        return splits.containsKey(plain) ? plain : splits.containsKey(plain + ".gz") ? plain + ".gz" : null;
    }

    /** Whether both hold the same reports (what the figures are made of), whatever each ignored. */
    public boolean sameReportsAs(ExportProgress other) {
        return Objects.equals(completed, other.completed)
                && splits.equals(other.splits)
                && chunks.equals(other.chunks)
                && failedFiles.equals(other.failedFiles);
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
            String failed =
                    failedFiles.containsKey(landing) ? failedFiles.get(landing) : failedFiles.get(landing + ".gz");
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
            String landing =
                    new LandingBlob(exportId, file.kind(), file.resourceType(), file.fileIndex(), false).name();
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
            figures.put(
                    key,
                    new TypeFigures(
                            key,
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
                problems.add(f.resourceType() + ": the manifest counts " + f.manifestCount() + " resources, " + landed
                        + " lines landed (" + f.linesRejected() + " rejected by the splitter)");
            }
            if (f.chunksLoaded() == f.chunksExpected()
                    && f.filesSplit() == f.filesExpected()
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
        public enum State {
            WAITING,
            LOADED,
            FAILED
        }

        static Verdict waiting(String detail) {
            return new Verdict(State.WAITING, detail, List.of());
        }

        static Verdict loaded() {
            return new Verdict(State.LOADED, "every expected chunk is loaded", List.of());
        }

        static Verdict failed(int files, List<String> failures) {
            int chunks = failures.size() - files;
            String what = files == 0
                    ? chunks + " chunk(s)"
                    : chunks == 0 ? files + " file(s)" : files + " file(s) and " + chunks + " chunk(s)";
            return new Verdict(State.FAILED, what + " failed", List.copyOf(failures));
        }
    }
}
