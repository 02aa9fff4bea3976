package io.fhirpipe.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.messages.Json;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportRequestValidatorTest {

    private final ExportRequestValidator validator = new ExportRequestValidator(Set.of("hapi", "azure"));

    @Test
    void aFullValidRequestHasNoErrors() {
        assertThat(validate("""
                {"server":"hapi","level":"group","groupId":"grp-small","types":["Patient","Observation"],
                 "since":"2026-11-26T05:34:57.000Z","until":"2026-11-27T00:00:00+01:00",
                 "typeFilters":["Observation?category=laboratory"],"elements":["id","Patient.gender"],
                 "outputFormat":"application/fhir+ndjson","container":"fhir-exports",
                 "anonymizationConfig":"anonymize.json","anonymizationConfigEtag":"0x8DA",
                 "includeAssociatedData":["LatestProvenanceResources","_custom"]}""")).isEmpty();
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        List<FieldError> errors = validate("""
                {"server":"nope","level":"group","types":["Patient","Foo","Patient"],"since":"yesterday",
                 "typeFilters":["Condition?code=1","garbage"],"elements":["Patient.gender","Bogus.x"],
                 "outputFormat":"text/csv","container":"Bad_Name","anonymizationConfigEtag":"x",
                 "includeAssociatedData":["Everything"],"surprise":1}""");

        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder(
                        "server",
                        "groupId",
                        "types[1]",
                        "types[2]",
                        "since",
                        "typeFilters[0]",
                        "typeFilters[1]",
                        "elements[1]",
                        "outputFormat",
                        "container",
                        "anonymizationConfigEtag",
                        "includeAssociatedData[0]",
                        "surprise");
        assertThat(errors)
                .contains(
                        new FieldError("types[1]", "'Foo' is not a FHIR R4 resource type"),
                        new FieldError("types[2]", "'Patient' is listed twice"),
                        new FieldError("groupId", "is required when level is group"),
                        new FieldError(
                                "typeFilters[0]",
                                "filters Condition, which is not in types, so the server would ignore it"));
        assertThat(errors.stream()
                        .filter(e -> e.field().equals("server"))
                        .findFirst()
                        .orElseThrow()
                        .problem())
                .isEqualTo("'nope' is not a configured FHIR server (configured: azure, hapi)");
    }

    @Test
    void requiredFieldsAndLevelRules() {
        assertThat(validate("{}"))
                .containsExactlyInAnyOrder(
                        new FieldError("server", "is required"), new FieldError("level", "is required"));
        assertThat(validate("""
                {"server":"hapi","level":"system","groupId":"g1","patients":["Patient/1"]}"""))
                .containsExactlyInAnyOrder(
                        new FieldError("groupId", "is only allowed when level is group"),
                        new FieldError("patients", "is only allowed when level is patient"));
        assertThat(validate("""
                {"server":"hapi","level":"patient","patients":["Patient/1","Observation/2"]}"""))
                .containsExactly(new FieldError("patients[1]", "must be a reference like Patient/123"));
    }

    @Test
    void untilMustFollowSinceAndInstantsNeedAZone() {
        assertThat(validate("""
                {"server":"hapi","level":"system","since":"2026-01-02T00:00:00Z","until":"2026-01-01T00:00:00Z"}""")).containsExactly(new FieldError("until", "must be after since"));
        assertThat(validate("""
                {"server":"hapi","level":"system","since":"2026-01-02T00:00:00"}""")).extracting(FieldError::field).containsExactly("since");
    }

    @Test
    void wrongJsonTypesAreFieldErrorsNotCrashes() {
        assertThat(validate("""
                {"server":42,"level":"system","types":"Patient","typeFilters":[1]}"""))
                .containsExactlyInAnyOrder(
                        new FieldError("server", "must be a non-empty string"),
                        new FieldError("types", "must be an array of strings"),
                        new FieldError("typeFilters[0]", "must be a non-empty string"));
        assertThat(validator.validate(Json.mapper().valueToTree(List.of(1))))
                .containsExactly(new FieldError("(body)", "must be a JSON object"));
    }

    @Test
    void withoutAServerListAnyServerNameIsAccepted() {
        assertThat(new ExportRequestValidator(Set.of()).validate(tree("""
                {"server":"anything","level":"system"}"""))).isEmpty();
    }

    @Test
    void aMessagePrefixIsPutInFrontOfEveryField() {
        assertThat(validator.validate(tree("{\"level\":\"system\"}"), "data."))
                .containsExactly(new FieldError("data.server", "is required"));
    }

    private List<FieldError> validate(String json) {
        return validator.validate(tree(json));
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
