package io.fhirpipe.synapseloader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic resources of the default view types, each with the typed row its default view must
 * produce (column to value; null where the view yields NULL). Typed date columns are expected as
 * {@link LocalDate} (DATE) and {@link Instant} (TIMESTAMP WITH TIME ZONE, compared as instants),
 * collection columns as their JSON array text.
 */
public final class Synthetic {

    static final ObjectMapper JSON = new ObjectMapper();

    public record Resource(String type, String id, String json, Map<String, Object> expected) {}

    private Synthetic() {}

    static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The instant of a FHIR instant / dateTime text with time and zone. */
    static Instant instant(String fhir) {
        return OffsetDateTime.parse(fhir).toInstant();
    }

    /** The instant of a date-only FHIR dateTime: midnight UTC, as the views read it. */
    static Instant day(String fhirDate) {
        return LocalDate.parse(fhirDate).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    }

    /** Puts NULL for each column the resource has no value for. */
    static void absent(Map<String, Object> expected, String... columns) {
        for (String c : columns) {
            expected.put(c, null);
        }
    }

    static Map<String, Object> meta(String version, String lastUpdated) {
        return Map.of("versionId", version, "lastUpdated", lastUpdated);
    }

    public static Resource patient(String id, int n, String version, String lastUpdated) {
        boolean active = n % 2 == 0;
        String gender = n % 3 == 0 ? "female" : "male";
        String family = "Family" + n + (n % 5 == 0 ? " O'Brien" : "");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Patient");
        r.put("id", id);
        r.put("meta", meta(version, lastUpdated));
        r.put("active", active);
        r.put("gender", gender);
        r.put("birthDate", "19" + (50 + n % 50) + "-0" + (1 + n % 9) + "-1" + (n % 10));
        r.put(
                "name",
                List.of(
                        Map.of("use", "nickname", "family", "Nick" + n, "given", List.of("N")),
                        Map.of("use", "official", "family", family, "given", List.of("Anna" + n, "Maria"))));
        r.put(
                "telecom",
                List.of(
                        Map.of("system", "email", "value", "p" + n + "@example.org"),
                        Map.of("system", "phone", "value", "+1-555-" + n)));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("active", active);
        e.put("gender", gender);
        e.put("birth_date", LocalDate.parse((String) r.get("birthDate")));
        e.put("family", "Nick" + n);
        e.put("given", "N");
        e.put("official_family", family);
        e.put("phone", "+1-555-" + n);
        e.put("email", "p" + n + "@example.org");
        absent(
                e,
                "city",
                "state",
                "postal_code",
                "country",
                "language",
                "birth_sex",
                "race_text",
                "race_code",
                "ethnicity_text",
                "ethnicity_code",
                "deceased",
                "deceased_date_time",
                "managing_organization_id",
                "general_practitioner_id");
        e.put("race_codings", "[]");
        e.put("ethnicity_codings", "[]");
        e.put("last_updated", instant(lastUpdated));
        return new Resource("Patient", id, json(r), e);
    }

    public static Resource observation(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Observation");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("status", "final");
        List<Object> category = List.of(
                Map.of("system", "http://terminology.hl7.org/CodeSystem/observation-category", "code", "vital-signs"));
        r.put("category", List.of(Map.of("coding", category)));
        List<Object> codings =
                List.of(Map.of("system", "http://loinc.org", "code", "8867-4", "display", "Heart rate " + n));
        r.put("code", Map.of("coding", codings));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("encounter", Map.of("reference", "Encounter/enc-" + n));
        r.put("effectiveDateTime", "2024-03-0" + (1 + n % 9) + "T08:00:00Z");
        r.put("valueQuantity", Map.of("value", 60 + n + 0.5, "unit", "beats/minute"));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("status", "final");
        e.put("category_code", "vital-signs");
        e.put("category_codings", json(category));
        e.put("code_system", "http://loinc.org");
        e.put("code", "8867-4");
        e.put("code_display", "Heart rate " + n);
        e.put("code_text", null);
        e.put("codings", json(codings));
        e.put("patient_id", patientId);
        e.put("encounter_id", "enc-" + n);
        e.put("effective", instant((String) r.get("effectiveDateTime")));
        absent(e, "effective_start", "effective_end", "effective_instant", "issued");
        e.put("value_quantity", 60 + n + 0.5);
        e.put("value_unit", "beats/minute");
        absent(
                e,
                "value_unit_code",
                "value_comparator",
                "value_system",
                "value_code",
                "value_display",
                "value_text",
                "value_string",
                "value_boolean",
                "value_integer",
                "value_date_time",
                "value_time",
                "value_period_start",
                "value_period_end",
                "value_range_low",
                "value_range_high",
                "value_ratio_numerator",
                "value_ratio_denominator",
                "value_sampled_data",
                "data_absent_reason",
                "interpretation_code",
                "performer_id");
        e.put("value_codings", "[]");
        e.put("interpretation_codings", "[]");
        e.put("has_components", false);
        e.put("last_updated", instant(lastUpdated));
        return new Resource("Observation", id, json(r), e);
    }

    /**
     * A blood pressure panel whose values are in two components (179 / 101 mm[Hg]), effective
     * 2024-03-01T06:00Z. No {@code expected} row: its rows are in {@code observation_component}, which
     * the tests using it check.
     */
    public static Resource bloodPressure(String id, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Observation");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("status", "final");
        r.put("code", Map.of("coding", List.of(Map.of("system", "http://loinc.org", "code", "85354-9"))));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("effectiveDateTime", "2024-03-01T08:00:00+02:00");
        r.put(
                "component",
                List.of(
                        Map.of(
                                "code",
                                Map.of("coding", List.of(Map.of("system", "http://loinc.org", "code", "8480-6"))),
                                "valueQuantity",
                                Map.of("value", 179, "unit", "mm[Hg]")),
                        Map.of(
                                "code",
                                Map.of("coding", List.of(Map.of("system", "http://loinc.org", "code", "8462-4"))),
                                "valueQuantity",
                                Map.of("value", 101, "unit", "mm[Hg]"))));
        return new Resource("Observation", id, json(r), Map.of());
    }

    public static Resource encounter(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Encounter");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("status", n % 2 == 0 ? "finished" : "in-progress");
        r.put("class", Map.of("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB"));
        List<Object> type = List.of(Map.of("code", "T" + n, "display", "Type " + n));
        r.put("type", List.of(Map.of("coding", type)));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("period", Map.of("start", "2024-02-01T10:00:00Z", "end", "2024-02-01T11:00:00Z"));
        List<Object> reason = List.of(Map.of("code", "R" + n));
        r.put("reasonCode", List.of(Map.of("coding", reason)));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("status", r.get("status"));
        e.put("class_code", "AMB");
        e.put("type_code", "T" + n);
        e.put("type_display", "Type " + n);
        e.put("type_codings", json(type));
        e.put("patient_id", patientId);
        e.put("period_start", instant("2024-02-01T10:00:00Z"));
        e.put("period_end", instant("2024-02-01T11:00:00Z"));
        e.put("reason_code", "R" + n);
        e.put("reason_codings", json(reason));
        absent(e, "practitioner_id", "location_id", "service_provider_id");
        e.put("last_updated", instant(lastUpdated));
        return new Resource("Encounter", id, json(r), e);
    }

    public static Resource condition(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Condition");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("clinicalStatus", Map.of("coding", List.of(Map.of("code", "active"))));
        r.put("verificationStatus", Map.of("coding", List.of(Map.of("code", "confirmed"))));
        List<Object> category = List.of(Map.of("code", "problem-list-item"));
        r.put("category", List.of(Map.of("coding", category)));
        List<Object> codings =
                List.of(Map.of("system", "http://snomed.info/sct", "code", "4" + n, "display", "Condition " + n));
        r.put("code", Map.of("coding", codings));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("onsetDateTime", "2020-01-1" + (n % 10));
        r.put("recordedDate", "2020-02-01");
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("clinical_status", "active");
        e.put("verification_status", "confirmed");
        e.put("category_code", "problem-list-item");
        e.put("category_codings", json(category));
        e.put("code_system", "http://snomed.info/sct");
        e.put("code", "4" + n);
        e.put("code_display", "Condition " + n);
        e.put("code_text", null);
        e.put("codings", json(codings));
        e.put("patient_id", patientId);
        e.put("encounter_id", null);
        e.put("onset", day((String) r.get("onsetDateTime")));
        absent(
                e,
                "onset_start",
                "onset_age",
                "onset_string",
                "abatement",
                "abatement_start",
                "abatement_age",
                "abatement_string",
                "recorder_id");
        e.put("recorded_date", day("2020-02-01"));
        e.put("last_updated", instant(lastUpdated));
        return new Resource("Condition", id, json(r), e);
    }
}
