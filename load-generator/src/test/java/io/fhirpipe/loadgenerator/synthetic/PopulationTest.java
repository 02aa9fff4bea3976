package io.fhirpipe.loadgenerator.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopulationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void atLeastTwelveTypes() {
        assertThat(SyntheticType.values()).hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        Population a = Population.ofPatients(7, 200);
        Population b = Population.ofPatients(7, 200);
        Population c = Population.ofPatients(8, 200);
        for (SyntheticType t : SyntheticType.values()) {
            for (long i = 0; i < a.count(t); i += 3) {
                assertThat(b.line(t, i)).isEqualTo(a.line(t, i));
            }
            assertThat(c.line(t, 0)).isNotEqualTo(a.line(t, 0));
        }
        // Pure function of (seed, type, i): the order of generation does not matter.
        String late = a.line(SyntheticType.OBSERVATION, 3000);
        assertThat(Population.ofPatients(7, 200).line(SyntheticType.OBSERVATION, 3000))
                .isEqualTo(late);
    }

    @Test
    void everyLineIsOneJsonObjectOfItsTypeWithItsId() throws Exception {
        Population p = Population.ofPatients(1, 100);
        for (SyntheticType t : SyntheticType.values()) {
            for (long i = 0; i < p.count(t); i++) {
                String line = p.line(t, i);
                assertThat(line).doesNotContain("\n");
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).isTrue();
                assertThat(node.path("resourceType").asText()).isEqualTo(t.resourceType());
                assertThat(node.path("id").asText()).isEqualTo(p.id(t, i)).matches("[A-Za-z0-9\\-.]{1,64}");
                assertThat(node.path("meta").path("lastUpdated").asText()).endsWith("Z");
            }
        }
    }

    @Test
    void idsAreUniqueAcrossTypes() {
        Population p = Population.ofPatients(3, 500);
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (SyntheticType t : SyntheticType.values()) {
            for (long i = 0; i < p.count(t); i++) {
                ids.add(p.id(t, i));
                total++;
            }
        }
        assertThat(ids).hasSize((int) total);
    }

    @Test
    void everyReferenceResolvesToAResourceOfThePopulation() throws Exception {
        Population p = Population.ofPatients(11, 150);
        Set<String> existing = new HashSet<>();
        for (SyntheticType t : SyntheticType.values()) {
            for (long i = 0; i < p.count(t); i++) {
                existing.add(t.resourceType() + "/" + p.id(t, i));
            }
        }
        Map<String, Integer> referencedTypes = new HashMap<>();
        for (SyntheticType t : SyntheticType.values()) {
            for (long i = 0; i < p.count(t); i++) {
                List<String> references = new ArrayList<>();
                collectReferences(JSON.readTree(p.line(t, i)), references);
                for (String r : references) {
                    assertThat(existing).as("%s %d refers to %s", t, i, r).contains(r);
                    referencedTypes.merge(r.substring(0, r.indexOf('/')), 1, Integer::sum);
                }
            }
        }
        assertThat(referencedTypes)
                .containsKeys("Patient", "Encounter", "Observation", "Practitioner", "Organization", "Location");
    }

    @Test
    void aResourceAndItsEncounterBelongToTheSamePatient() throws Exception {
        Population p = Population.ofPatients(5, 80);
        Map<String, String> encounterPatient = new HashMap<>();
        for (long i = 0; i < p.count(SyntheticType.ENCOUNTER); i++) {
            JsonNode e = JSON.readTree(p.line(SyntheticType.ENCOUNTER, i));
            encounterPatient.put(
                    "Encounter/" + e.path("id").asText(),
                    e.path("subject").path("reference").asText());
        }
        int checked = 0;
        for (long i = 0; i < p.count(SyntheticType.OBSERVATION); i++) {
            JsonNode o = JSON.readTree(p.line(SyntheticType.OBSERVATION, i));
            if (o.has("encounter")) {
                assertThat(encounterPatient.get(
                                o.path("encounter").path("reference").asText()))
                        .isEqualTo(o.path("subject").path("reference").asText());
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void resourcesUseChoiceTypesNestedArraysAndUsCoreExtensions() throws Exception {
        Population p = Population.ofPatients(2, 300);
        Set<String> fields = new HashSet<>();
        for (SyntheticType t : EnumSet.of(SyntheticType.OBSERVATION, SyntheticType.CONDITION, SyntheticType.PATIENT)) {
            for (long i = 0; i < p.count(t); i++) {
                JSON.readTree(p.line(t, i)).fieldNames().forEachRemaining(f -> fields.add(t.resourceType() + "." + f));
            }
        }
        assertThat(fields)
                .contains(
                        "Observation.effectiveDateTime",
                        "Observation.effectivePeriod",
                        "Observation.valueQuantity",
                        "Observation.valueCodeableConcept",
                        "Observation.component",
                        "Condition.onsetDateTime",
                        "Condition.onsetAge",
                        "Patient.deceasedBoolean",
                        "Patient.deceasedDateTime",
                        "Patient.multipleBirthBoolean",
                        "Patient.multipleBirthInteger");
        JsonNode patient = JSON.readTree(p.line(SyntheticType.PATIENT, 0));
        JsonNode race = patient.path("extension").get(0);
        assertThat(race.path("url").asText()).endsWith("us-core-race");
        assertThat(race.path("extension")
                        .get(0)
                        .path("valueCoding")
                        .path("code")
                        .asText())
                .isNotEmpty();
        assertThat(patient.path("address").get(0).path("line").isArray()).isTrue();
    }

    @Test
    void aSizeTargetGivesAboutThatManyBytes() {
        long target = 8L << 20;
        List<SyntheticType> types = List.of(SyntheticType.PATIENT, SyntheticType.ENCOUNTER, SyntheticType.OBSERVATION);
        Population p = Population.ofSize(9, target, types);
        long bytes = 0;
        for (SyntheticType t : types) {
            for (long i = 0; i < p.count(t); i++) {
                bytes += p.line(t, i).getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        assertThat((double) bytes).isBetween(target * 0.9, target * 1.1);
    }

    @Test
    void anyResourceOfAHugePopulationIsMadeWithoutMaterialisingTheOthers() throws Exception {
        // 100 million patients, 1.6 billion observations: only possible if nothing is stored per resource.
        Population p = Population.ofPatients(4, 100_000_000L);
        long last = p.count(SyntheticType.OBSERVATION) - 1;
        JsonNode o = JSON.readTree(p.line(SyntheticType.OBSERVATION, last));
        assertThat(o.path("subject").path("reference").asText())
                .isEqualTo("Patient/" + p.id(SyntheticType.PATIENT, p.patients() - 1));
    }

    private static void collectReferences(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("reference") && e.getValue().isTextual()) {
                    into.add(e.getValue().asText());
                } else {
                    collectReferences(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectReferences(n, into));
        }
    }
}
