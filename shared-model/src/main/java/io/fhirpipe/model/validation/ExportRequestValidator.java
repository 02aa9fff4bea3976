package io.fhirpipe.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.fhir.FhirR4ResourceTypes;
import io.fhirpipe.model.ids.Ids;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The rules an export request must meet, whether it arrives at {@code POST /exports} or as a
 * hand-posted {@code export.requested} message. It reports every broken rule at once, by field,
 * so a person fixes a request in one round.
 */
public final class ExportRequestValidator {

    private static final Set<String> FIELDS = Set.of(
            "exportId",
            "job",
            "server",
            "level",
            "groupId",
            "patients",
            "types",
            "since",
            "until",
            "typeFilters",
            "elements",
            "outputFormat",
            "container",
            "anonymizationConfig",
            "anonymizationConfigEtag",
            "includeAssociatedData",
            "requestedAt",
            "origin");
    private static final Set<String> OUTPUT_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
    private static final Set<String> ASSOCIATED_DATA =
            Set.of("LatestProvenanceResources", "RelevantProvenanceResources");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern PATIENT_REF = Pattern.compile("Patient/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern ELEMENT = Pattern.compile("(?:[A-Z][A-Za-z]+\\.)?[a-z][A-Za-z0-9]*");
    private static final Pattern TYPE_FILTER = Pattern.compile("([A-Z][A-Za-z]+)\\?(.+)");
    /** Azure Storage container naming rules. */
    private static final Pattern CONTAINER = Pattern.compile("(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

    private static final Pattern CONFIG_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    private static final Pattern CUSTOM_ASSOCIATED = Pattern.compile("_[A-Za-z0-9-]{1,64}");

    private final Predicate<String> knownServer;
    private final Set<String> serverNames;

    /**
     * @param knownServers the configured FHIR server names; empty means "do not check" (for a
     *                     component that does not know the configuration)
     */
    public ExportRequestValidator(Set<String> knownServers) {
        Set<String> servers = Set.copyOf(knownServers);
        this.knownServer = servers.isEmpty() ? s -> true : servers::contains;
        this.serverNames = servers;
    }

    public List<FieldError> validate(JsonNode request) {
        return validate(request, "");
    }

    /** @param prefix field path prefix, e.g. {@code data.} for a message body */
    public List<FieldError> validate(JsonNode request, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null || !request.isObject()) {
            errors.add(new FieldError(
                    prefix.isEmpty() ? "(body)" : prefix.substring(0, prefix.length() - 1), "must be a JSON object"));
            return errors;
        }
        Checker c = new Checker(request, prefix, errors);

        for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(
                        prefix + name,
                        "is not a known field (known: "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")"));
            }
        }

        c.optionalString(
                "exportId",
                v -> Ids.isSafe(v)
                        ? null
                        : "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        c.optionalString(
                "job",
                v -> Ids.isSafe(v)
                        ? null
                        : "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        c.requiredString(
                "server",
                v -> knownServer.test(v)
                        ? null
                        : "'" + v + "' is not a configured FHIR server (configured: "
                                + String.join(
                                        ", ", serverNames.stream().sorted().toList()) + ")");
        String level = c.requiredString(
                "level",
                v -> Set.of("system", "patient", "group").contains(v) ? null : "must be one of system, patient, group");
        String groupId = c.optionalString(
                "groupId",
                v -> FHIR_ID.matcher(v).matches() ? null : "must be a FHIR id (1-64 letters, digits, '-' or '.')");
        if ("group".equals(level) && groupId == null && !request.hasNonNull("groupId")) {
            errors.add(new FieldError(prefix + "groupId", "is required when level is group"));
        }
        if (groupId != null && level != null && !"group".equals(level)) {
            errors.add(new FieldError(prefix + "groupId", "is only allowed when level is group"));
        }
        List<String> patients = c.stringArray(
                "patients", v -> PATIENT_REF.matcher(v).matches() ? null : "must be a reference like Patient/123");
        if (!patients.isEmpty() && level != null && !"patient".equals(level)) {
            errors.add(new FieldError(prefix + "patients", "is only allowed when level is patient"));
        }
        Set<String> seenTypes = new HashSet<>();
        List<String> types = c.stringArray("types", v -> {
            if (!FhirR4ResourceTypes.isResourceType(v)) {
                return "'" + v + "' is not a FHIR R4 resource type";
            }
            return seenTypes.add(v) ? null : "'" + v + "' is listed twice";
        });
        Instant since = c.optionalInstant("since");
        Instant until = c.optionalInstant("until");
        if (since != null && until != null && !since.isBefore(until)) {
            errors.add(new FieldError(prefix + "until", "must be after since"));
        }
        c.optionalInstant("requestedAt");
        c.stringArray("typeFilters", v -> {
            var m = TYPE_FILTER.matcher(v);
            if (!m.matches()) {
                return "must look like Type?param=value, e.g. Observation?category=laboratory";
            }
            String type = m.group(1);
            if (!FhirR4ResourceTypes.isResourceType(type)) {
                return "'" + type + "' is not a FHIR R4 resource type";
            }
            if (!types.isEmpty() && !types.contains(type)) {
                return "filters " + type + ", which is not in types, so the server would ignore it";
            }
            return null;
        });
        c.stringArray("elements", v -> {
            if (!ELEMENT.matcher(v).matches()) {
                return "must be an element name, optionally prefixed by its type (e.g. id or Patient.gender)";
            }
            int dot = v.indexOf('.');
            if (dot > 0 && !FhirR4ResourceTypes.isResourceType(v.substring(0, dot))) {
                return "'" + v.substring(0, dot) + "' is not a FHIR R4 resource type";
            }
            return null;
        });
        c.optionalString(
                "outputFormat",
                v -> OUTPUT_FORMATS.contains(v)
                        ? null
                        : "must be one of "
                                + String.join(
                                        ", ", OUTPUT_FORMATS.stream().sorted().toList()));
        c.optionalString(
                "container",
                v -> CONTAINER.matcher(v).matches()
                        ? null
                        : "must be a storage container name (3-63 lowercase letters, digits and single hyphens)");
        String anonymization = c.optionalString(
                "anonymizationConfig",
                v -> CONFIG_FILE.matcher(v).matches()
                        ? null
                        : "must be a configuration file name in the anonymization container (no folders)");
        String etag = c.optionalString("anonymizationConfigEtag", v -> null);
        if (etag != null && anonymization == null && !request.hasNonNull("anonymizationConfig")) {
            errors.add(new FieldError(prefix + "anonymizationConfigEtag", "is only allowed with anonymizationConfig"));
        }
        c.stringArray(
                "includeAssociatedData",
                v -> ASSOCIATED_DATA.contains(v) || CUSTOM_ASSOCIATED.matcher(v).matches()
                        ? null
                        : "must be LatestProvenanceResources, RelevantProvenanceResources or a custom "
                                + "value starting with '_'");
        c.optionalString(
                "origin",
                v -> Set.of("api", "schedule", "replay").contains(v) ? null : "must be one of api, schedule, replay");
        return errors;
    }

    /** Reads fields one by one and records what is wrong with each. */
    private static final class Checker {
        private final JsonNode node;
        private final String prefix;
        private final List<FieldError> errors;

        Checker(JsonNode node, String prefix, List<FieldError> errors) {
            this.node = node;
            this.prefix = prefix;
            this.errors = errors;
        }

        String requiredString(String field, java.util.function.Function<String, String> rule) {
            if (!node.hasNonNull(field)) {
                errors.add(new FieldError(prefix + field, "is required"));
                return null;
            }
            return optionalString(field, rule);
        }

        String optionalString(String field, java.util.function.Function<String, String> rule) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual() || value.asText().isEmpty()) {
                errors.add(new FieldError(prefix + field, "must be a non-empty string"));
                return null;
            }
            String problem = rule.apply(value.asText());
            if (problem != null) {
                errors.add(new FieldError(prefix + field, problem));
                return null;
            }
            return value.asText();
        }

        Instant optionalInstant(String field) {
            String text = optionalString(field, v -> null);
            if (text == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException e) {
                errors.add(new FieldError(
                        prefix + field,
                        "must be a FHIR instant with a time zone, e.g. 2026-01-31T12:00:00Z (was '" + text + "')"));
                return null;
            }
        }

        List<String> stringArray(String field, java.util.function.Function<String, String> rule) {
            JsonNode value = node.get(field);
            List<String> valid = new ArrayList<>();
            if (value == null || value.isNull()) {
                return valid;
            }
            if (!value.isArray()) {
                errors.add(new FieldError(prefix + field, "must be an array of strings"));
                return valid;
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                String path = prefix + field + "[" + i + "]";
                if (!item.isTextual() || item.asText().isEmpty()) {
                    errors.add(new FieldError(path, "must be a non-empty string"));
                    continue;
                }
                String problem = rule.apply(item.asText());
                if (problem != null) {
                    errors.add(new FieldError(path, problem));
                } else {
                    valid.add(item.asText());
                }
            }
            return valid;
        }
    }
}
