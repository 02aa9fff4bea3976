package io.fhirpipe.loadgenerator.server;

import io.fhirpipe.loadgenerator.server.ExportFiles.FileEntry;
import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one export of the synthetic server must leave behind, computed from the options alone (the same
 * functions choose the faults as serve them): per resource type the exact (id, {@code meta.versionId})
 * the warehouse holds once the export is loaded and its deletes applied, the ids deleted, and every line
 * the pipeline must reject with where it is and why. The fault suite compares the warehouse and the
 * rejected lines with it.
 *
 * <p>Held in memory, a few hundred bytes per resource (about 18 MB of heap and 1.3 s for the 49,074
 * resources of a 50 MB export): right for the fault suite's tens of MB of NDJSON, not for load-test sizes.
 *
 * @param completes  false when the export never delivers a manifest ({@code --fail-export}, {@code --never-finish}):
 *                   then nothing may be loaded and {@code resources} is empty
 * @param resources  resource type to (id to versionId), sorted
 * @param deleted    resource type to the ids listed in {@code deleted[]} (none is in any output file)
 * @param rejected   every output line that is not a loadable resource, in manifest order
 * @param errorLines OperationOutcome lines in the {@code error[]} file
 */
record ExpectedOutcome(
        boolean completes,
        Map<String, Map<String, String>> resources,
        Map<String, Set<String>> deleted,
        List<RejectedLine> rejected,
        long errorLines) {

    /**
     * A line the splitter must reject.
     *
     * @param file       the download path after the export id, e.g. {@code output/Patient/0.ndjson}
     * @param lineNumber 1-based, as the splitter numbers the lines of a landing file
     * @param id         the resource the line stood for (it is not in {@code resources})
     */
    public record RejectedLine(
            String resourceType,
            int fileIndex,
            String file,
            long lineNumber,
            Faults.LineFault kind,
            String id,
            String versionId) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resourceType", resourceType);
            m.put("fileIndex", fileIndex);
            m.put("file", file);
            m.put("lineNumber", lineNumber);
            m.put("kind", kind.name());
            m.put("id", id);
            m.put("versionId", versionId);
            return m;
        }
    }

    public ExpectedOutcome {
        resources = Collections.unmodifiableMap(resources);
        deleted = Collections.unmodifiableMap(deleted);
        rejected = List.copyOf(rejected);
    }

    /** A system export of every type the server holds, without {@code _type}. */
    public static ExpectedOutcome of(ServerOptions options) {
        return of(options, options.types(), false);
    }

    /**
     * An export of {@code types} (empty: every type the server holds; {@code patientLevel}: only those of
     * the Patient compartment, as the server serves them).
     */
    public static ExpectedOutcome of(ServerOptions options, List<SyntheticType> types, boolean patientLevel) {
        return of(SyntheticBulkDataServer.population(options), options, types, patientLevel);
    }

    static ExpectedOutcome of(
            Population population, ServerOptions options, List<SyntheticType> types, boolean patientLevel) {
        List<SyntheticType> exported = SyntheticBulkDataServer.exportedTypes(options, types, patientLevel);
        Map<String, Map<String, String>> resources = new TreeMap<>();
        Map<String, Set<String>> deleted = new TreeMap<>();
        List<RejectedLine> rejected = new ArrayList<>();
        long errorLines = 0;
        boolean completes = !options.failExport() && !options.faults().neverFinish();
        for (FileEntry file : completes ? ExportFiles.of(population, exported, options) : List.<FileEntry>of()) {
            switch (file.kind()) {
                case OUTPUT -> {
                    Map<String, String> held = resources.computeIfAbsent(file.type(), t -> new TreeMap<>());
                    for (long k = 0; k < file.count(); k++) {
                        long i = file.first() + k;
                        String id = population.id(file.source(), i);
                        String version = population.versionId(file.source(), i);
                        Faults.LineFault fault = options.faults().lineFault(population, file, k);
                        if (fault == Faults.LineFault.NONE) {
                            held.put(id, version);
                        } else {
                            rejected.add(new RejectedLine(
                                    file.type(), file.index(), file.name(), k + 1, fault, id, version));
                        }
                    }
                }
                case DELETED -> {
                    Set<String> ids = deleted.computeIfAbsent(file.source().resourceType(), t -> new TreeSet<>());
                    for (long k = 0; k < file.count(); k++) {
                        ids.add(population.id(file.source(), file.first() + k));
                    }
                }
                case ERROR -> errorLines += file.count();
            }
        }
        return new ExpectedOutcome(completes, resources, deleted, rejected, errorLines);
    }

    /** Resources the warehouse must hold, all types. */
    public long resourceCount() {
        return resources.values().stream().mapToLong(Map::size).sum();
    }

    /** The JSON form {@code GET /expected} answers. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completes", completes);
        Map<String, Integer> counts = new LinkedHashMap<>();
        resources.forEach((type, ids) -> counts.put(type, ids.size()));
        m.put("counts", counts);
        m.put("resources", resources);
        m.put("deleted", deleted);
        m.put("rejected", rejected.stream().map(RejectedLine::toMap).toList());
        m.put("errorLines", errorLines);
        return m;
    }
}
