package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A request to run one Bulk Data {@code $export}: published by the REST API, by a schedule, or by
 * hand (replay). Parameter names follow the Bulk Data IG; {@code until} is sent as {@code _until}
 * (or {@code _till} to Azure's FHIR service).
 *
 * @param exportId id of this export run; the same request replayed keeps its id
 * @param job name of the scheduled job this run belongs to, or null for an ad-hoc export
 * @param server name of a configured FHIR server
 * @param origin who asked: {@code api}, {@code schedule} or {@code replay}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ExportRequested(
        String exportId,
        String job,
        String server,
        ExportLevel level,
        String groupId,
        List<String> patients,
        List<String> types,
        Instant since,
        Instant until,
        List<String> typeFilters,
        List<String> elements,
        String outputFormat,
        String container,
        String anonymizationConfig,
        String anonymizationConfigEtag,
        List<String> includeAssociatedData,
        Instant requestedAt,
        String origin)
        implements EventData {

    public ExportRequested {
        patients = patients == null ? List.of() : List.copyOf(patients);
        types = types == null ? List.of() : List.copyOf(types);
        typeFilters = typeFilters == null ? List.of() : List.copyOf(typeFilters);
        elements = elements == null ? List.of() : List.copyOf(elements);
        includeAssociatedData = includeAssociatedData == null ? List.of() : List.copyOf(includeAssociatedData);
    }

    @Override
    public List<String> identity() {
        return List.of(exportId);
    }

    public ExportRequested withSince(Instant newSince) {
        return new ExportRequested(
                exportId,
                job,
                server,
                level,
                groupId,
                patients,
                types,
                newSince,
                until,
                typeFilters,
                elements,
                outputFormat,
                container,
                anonymizationConfig,
                anonymizationConfigEtag,
                includeAssociatedData,
                requestedAt,
                origin);
    }
}
