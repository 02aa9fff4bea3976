package io.fhirpipe.synapseloader;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic resources of the default view types, each with the typed row its default view must
 * produce (column to value; null where the view yields NULL).
 */
public final class Synthetic {

    static final ObjectMapper JSON = new ObjectMapper();

    public record Resource(String type, String id, String json, Map<String, Object> expected) {
    }

    private Synthetic() {
    }

    static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
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
        r.put("name", List.of(Map.of("use", "nickname", "family", "Nick" + n, "given", List.of("N")),
                Map.of("use", "official", "family", family, "given", List.of("Anna" + n, "Maria"))));
        r.put("telecom", List.of(Map.of("system", "email", "value", "p" + n + "@example.org"),
                Map.of("system", "phone", "value", "+1-555-" + n)));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("active", active);
        e.put("gender", gender);
        e.put("birth_date", r.get("birthDate"));
        e.put("family", "Nick" + n);
        e.put("given", "N");
        e.put("official_family", family);
        e.put("phone", "+1-555-" + n);
        e.put("email", "p" + n + "@example.org");
        e.put("birth_sex", null);
        e.put("deceased", null);
        e.put("last_updated", lastUpdated);
        return new Resource("Patient", id, json(r), e);
    }

    public static Resource observation(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Observation");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("status", "final");
        r.put("category", List.of(Map.of("coding", List.of(Map.of(
                "system", "http://terminology.hl7.org/CodeSystem/observation-category", "code", "vital-signs")))));
        r.put("code", Map.of("coding", List.of(Map.of("system", "http://loinc.org", "code", "8867-4",
                "display", "Heart rate " + n))));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("encounter", Map.of("reference", "Encounter/enc-" + n));
        r.put("effectiveDateTime", "2024-03-0" + (1 + n % 9) + "T08:00:00Z");
        r.put("valueQuantity", Map.of("value", 60 + n + 0.5, "unit", "beats/minute"));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("status", "final");
        e.put("category_code", "vital-signs");
        e.put("code_system", "http://loinc.org");
        e.put("code", "8867-4");
        e.put("code_display", "Heart rate " + n);
        e.put("patient_id", patientId);
        e.put("encounter_id", "enc-" + n);
        e.put("effective", r.get("effectiveDateTime"));
        e.put("value_quantity", 60 + n + 0.5);
        e.put("value_unit", "beats/minute");
        e.put("value_code", null);
        e.put("value_string", null);
        e.put("last_updated", lastUpdated);
        return new Resource("Observation", id, json(r), e);
    }

    public static Resource encounter(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Encounter");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("status", n % 2 == 0 ? "finished" : "in-progress");
        r.put("class", Map.of("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB"));
        r.put("type", List.of(Map.of("coding", List.of(Map.of("code", "T" + n, "display", "Type " + n)))));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("period", Map.of("start", "2024-02-01T10:00:00Z", "end", "2024-02-01T11:00:00Z"));
        r.put("reasonCode", List.of(Map.of("coding", List.of(Map.of("code", "R" + n)))));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("status", r.get("status"));
        e.put("class_code", "AMB");
        e.put("type_code", "T" + n);
        e.put("type_display", "Type " + n);
        e.put("patient_id", patientId);
        e.put("period_start", "2024-02-01T10:00:00Z");
        e.put("period_end", "2024-02-01T11:00:00Z");
        e.put("reason_code", "R" + n);
        e.put("last_updated", lastUpdated);
        return new Resource("Encounter", id, json(r), e);
    }

    public static Resource condition(String id, int n, String patientId, String lastUpdated) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "Condition");
        r.put("id", id);
        r.put("meta", meta("1", lastUpdated));
        r.put("clinicalStatus", Map.of("coding", List.of(Map.of("code", "active"))));
        r.put("verificationStatus", Map.of("coding", List.of(Map.of("code", "confirmed"))));
        r.put("category", List.of(Map.of("coding", List.of(Map.of("code", "problem-list-item")))));
        r.put("code", Map.of("coding", List.of(Map.of("system", "http://snomed.info/sct", "code", "4" + n,
                "display", "Condition " + n))));
        r.put("subject", Map.of("reference", "Patient/" + patientId));
        r.put("onsetDateTime", "2020-01-1" + (n % 10));
        r.put("recordedDate", "2020-02-01");
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("clinical_status", "active");
        e.put("verification_status", "confirmed");
        e.put("category_code", "problem-list-item");
        e.put("code_system", "http://snomed.info/sct");
        e.put("code", "4" + n);
        e.put("code_display", "Condition " + n);
        e.put("patient_id", patientId);
        e.put("encounter_id", null);
        e.put("onset", r.get("onsetDateTime"));
        e.put("recorded_date", "2020-02-01");
        e.put("last_updated", lastUpdated);
        return new Resource("Condition", id, json(r), e);
    }
}
