package io.fhirpipe.sqlonfhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic US Core-like resources, shaped as Synthea and US Core servers write them: race /
 * ethnicity / birth sex extensions, deceasedDateTime, several codings per concept, category
 * lists, blood pressure panels whose values live in components, labs with valueCodeableConcept,
 * every value[x] / onset[x] / performed[x] choice in turn, and dates in mixed UTC offsets and
 * partial precision. The same {@code patients} always gives the same resources.
 */
final class UsCoreLikeData {

    static final String US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/";
    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String ICD10 = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String UCUM = "http://unitsofmeasure.org";
    private static final String OMB = "urn:oid:2.16.840.1.113883.6.238";
    private static final String[] OFFSETS = {"Z", "+02:00", "-05:00", "+05:30", "-08:00", "+00:00"};

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ObjectNode> resources = new ArrayList<>();

    private UsCoreLikeData() {}

    static List<ObjectNode> generate(int patients) {
        UsCoreLikeData d = new UsCoreLikeData();
        d.directory();
        for (int n = 0; n < patients; n++) {
            d.patientRecord(n);
        }
        return List.copyOf(d.resources);
    }

    // ---- building blocks ----

    private ObjectNode resource(String type, String id, int n) {
        ObjectNode r = JSON.createObjectNode().put("resourceType", type).put("id", id);
        r.putObject("meta").put("versionId", "1").put("lastUpdated", instant(n, 7));
        resources.add(r);
        return r;
    }

    /** A dateTime of day {@code n} at hour {@code hour} in one of the offsets (n picks which). */
    static String instant(int n, int hour) {
        String fraction = n % 3 == 0 ? ".123" : n % 3 == 1 ? "" : ".5";
        return String.format(
                "2023-%02d-%02dT%02d:%02d:00%s%s",
                1 + n % 12, 1 + n % 28, hour % 24, (n * 7) % 60, fraction, OFFSETS[n % OFFSETS.length]);
    }

    private static ObjectNode coding(String system, String code, String display) {
        ObjectNode c = JSON.createObjectNode().put("system", system).put("code", code);
        if (display != null) {
            c.put("display", display);
        }
        return c;
    }

    /** A CodeableConcept with the given codings (system, code, display triples) and text. */
    private static ObjectNode concept(String text, String... scd) {
        ObjectNode c = JSON.createObjectNode();
        ArrayNode codings = c.putArray("coding");
        for (int i = 0; i < scd.length; i += 3) {
            codings.add(coding(scd[i], scd[i + 1], scd[i + 2]));
        }
        if (text != null) {
            c.put("text", text);
        }
        return c;
    }

    private static ObjectNode ref(String reference) {
        return JSON.createObjectNode().put("reference", reference);
    }

    private static ObjectNode quantity(double value, String unit) {
        return JSON.createObjectNode()
                .put("value", value)
                .put("unit", unit)
                .put("system", UCUM)
                .put("code", unit);
    }

    private static ObjectNode period(String start, String end) {
        ObjectNode p = JSON.createObjectNode().put("start", start);
        if (end != null) {
            p.put("end", end);
        }
        return p;
    }

    private static ObjectNode address(int n) {
        return JSON.createObjectNode()
                .put("city", "Springfield " + n)
                .put("state", "MA")
                .put("postalCode", String.format("01%03d", n))
                .put("country", "US")
                .set("line", JSON.createArrayNode().add(n + " Main St"));
    }

    private static ArrayNode array(JsonNode... items) {
        ArrayNode a = JSON.createArrayNode();
        for (JsonNode i : items) {
            a.add(i);
        }
        return a;
    }

    // ---- organizations, practitioners, locations ----

    private void directory() {
        for (int o = 1; o <= 2; o++) {
            ObjectNode org = resource("Organization", "org" + o, o);
            org.put("active", true).put("name", "General Hospital " + o);
            org.set(
                    "identifier",
                    array(JSON.createObjectNode()
                            .put("system", "http://hl7.org/fhir/sid/us-npi")
                            .put("value", "123456789" + o)));
            org.set(
                    "type",
                    array(concept(
                            null,
                            "http://terminology.hl7.org/CodeSystem/organization-type",
                            "prov",
                            "Healthcare Provider",
                            SNOMED,
                            "22232009",
                            "Hospital")));
            org.set(
                    "telecom",
                    array(JSON.createObjectNode().put("system", "phone").put("value", "555-010" + o)));
            org.set("address", array(address(o)));
            if (o == 2) {
                org.set("partOf", ref("Organization/org1"));
            }

            ObjectNode pr = resource("Practitioner", "pr" + o, o + 2);
            pr.put("active", true).put("gender", o == 1 ? "female" : "male");
            pr.put("birthDate", o == 1 ? "1970-02-03" : "1968");
            pr.set(
                    "identifier",
                    array(JSON.createObjectNode()
                            .put("system", "http://hl7.org/fhir/sid/us-npi")
                            .put("value", "999999999" + o)));
            pr.set(
                    "name",
                    array(JSON.createObjectNode()
                            .put("family", "Careful" + o)
                            .set(
                                    "given",
                                    array(
                                            JSON.getNodeFactory().textNode("Alex"),
                                            JSON.getNodeFactory().textNode("J")))));
            ((ObjectNode) pr.get("name").get(0))
                    .set("prefix", array(JSON.getNodeFactory().textNode("Dr.")));
            pr.set(
                    "telecom",
                    array(
                            JSON.createObjectNode().put("system", "phone").put("value", "555-020" + o),
                            JSON.createObjectNode().put("system", "email").put("value", "pr" + o + "@example.org")));
            pr.set(
                    "qualification",
                    array(JSON.createObjectNode()
                            .set(
                                    "code",
                                    concept(
                                            null,
                                            "http://terminology.hl7.org/CodeSystem/v2-0360",
                                            "MD",
                                            "Doctor of Medicine",
                                            "http://nucc.org/provider-taxonomy",
                                            "207Q00000X",
                                            "Family Medicine"))));

            ObjectNode loc = resource("Location", "loc" + o, o + 4);
            loc.put("status", "active").put("name", "Clinic " + o).put("mode", "instance");
            loc.set(
                    "type",
                    array(concept(
                            null,
                            "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                            "HOSP",
                            "Hospital",
                            SNOMED,
                            "22232009",
                            "Hospital")));
            loc.set(
                    "telecom",
                    array(JSON.createObjectNode().put("system", "phone").put("value", "555-030" + o)));
            loc.set("address", address(o + 10));
            loc.putObject("position").put("latitude", 42.1 + o).put("longitude", -71.5 - o);
            loc.set("managingOrganization", ref("Organization/org" + o));
            if (o == 2) {
                loc.set("partOf", ref("Location/loc1"));
            }
        }
    }

    // ---- one patient's record ----

    private void patientRecord(int n) {
        String pid = "p" + n;
        String patientRef = "Patient/" + pid;
        ObjectNode p = resource("Patient", pid, n);
        if (n % 5 != 4) {
            p.put("active", n % 2 == 0);
        }
        p.put("gender", n % 2 == 0 ? "female" : "male");
        // partial birth dates are legal FHIR and common after de-identification
        p.put(
                "birthDate",
                n % 6 == 3
                        ? "1975"
                        : n % 6 == 5 ? "1980-05" : String.format("19%02d-%02d-%02d", 40 + n, 1 + n % 12, 1 + n % 28));
        p.set(
                "name",
                array(
                        JSON.createObjectNode()
                                .put("use", "official")
                                .put("family", "Family" + n)
                                .set(
                                        "given",
                                        array(
                                                JSON.getNodeFactory().textNode("Given" + n),
                                                JSON.getNodeFactory().textNode("Middle"))),
                        JSON.createObjectNode().put("use", "nickname").put("family", "Nick" + n)));
        p.set(
                "telecom",
                array(
                        JSON.createObjectNode().put("system", "phone").put("value", "555-1" + n),
                        JSON.createObjectNode().put("system", "email").put("value", pid + "@example.org")));
        p.set("address", array(address(n)));
        p.set(
                "communication",
                array(JSON.createObjectNode()
                        .set("language", concept(null, "urn:ietf:bcp:47", n % 2 == 0 ? "en-US" : "es", null))));
        ArrayNode race = JSON.createArrayNode();
        race.add(JSON.createObjectNode().put("url", "ombCategory").set("valueCoding", coding(OMB, "2106-3", "White")));
        if (n % 3 == 0) {
            race.add(JSON.createObjectNode()
                    .put("url", "ombCategory")
                    .set("valueCoding", coding(OMB, "2054-5", "Black or African American")));
            race.add(JSON.createObjectNode()
                    .put("url", "detailed")
                    .set("valueCoding", coding(OMB, "2108-9", "European")));
        }
        race.add(JSON.createObjectNode().put("url", "text").put("valueString", n % 3 == 0 ? "Mixed" : "White"));
        ArrayNode ethnicity = array(
                JSON.createObjectNode()
                        .put("url", "ombCategory")
                        .set(
                                "valueCoding",
                                coding(
                                        OMB,
                                        n % 2 == 0 ? "2186-5" : "2135-2",
                                        n % 2 == 0 ? "Not Hispanic or Latino" : "Hispanic or Latino")),
                JSON.createObjectNode().put("url", "detailed").set("valueCoding", coding(OMB, "2148-5", "Mexican")),
                JSON.createObjectNode().put("url", "text").put("valueString", "Ethnicity " + n));
        p.set(
                "extension",
                array(
                        JSON.createObjectNode()
                                .put("url", US_CORE + "us-core-race")
                                .set("extension", race),
                        JSON.createObjectNode()
                                .put("url", US_CORE + "us-core-ethnicity")
                                .set("extension", ethnicity),
                        JSON.createObjectNode()
                                .put("url", US_CORE + "us-core-birthsex")
                                .put("valueCode", n % 2 == 0 ? "F" : "M")));
        // Synthea writes deceasedDateTime for the dead; other servers deceasedBoolean
        switch (n % 4) {
            case 1 -> p.put("deceasedDateTime", instant(n, 5));
            case 2 -> p.put("deceasedBoolean", n % 8 == 6);
            default -> {}
        }
        p.set("managingOrganization", ref("Organization/org" + (1 + n % 2)));
        p.set("generalPractitioner", array(ref("Practitioner/pr" + (1 + n % 2))));

        String eid = "e" + n;
        ObjectNode e = resource("Encounter", eid, n + 1);
        e.put("status", "finished");
        e.set("class", coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", n % 2 == 0 ? "AMB" : "IMP", null));
        e.set(
                "type",
                array(concept(
                        "Check up",
                        SNOMED,
                        "185349003",
                        "Encounter for check up",
                        "http://www.ama-assn.org/go/cpt",
                        "99213",
                        "Office visit")));
        e.set("subject", ref(patientRef));
        e.set("participant", array(JSON.createObjectNode().set("individual", ref("Practitioner/pr1"))));
        e.set("period", period(instant(n, 9), instant(n + 1, 10)));
        e.set(
                "reasonCode",
                array(concept(null, SNOMED, "38341003", "Hypertension", ICD10, "I10", "Essential hypertension")));
        e.putObject("hospitalization")
                .set(
                        "dischargeDisposition",
                        concept(null, "http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home"));
        e.set("location", array(JSON.createObjectNode().set("location", ref("Location/loc1"))));
        e.set("serviceProvider", ref("Organization/org1"));

        observations(n, patientRef, "Encounter/" + eid);
        clinical(n, patientRef, "Encounter/" + eid);
    }

    private void observations(int n, String patient, String encounter) {
        String vital = "http://terminology.hl7.org/CodeSystem/observation-category";
        // blood pressure: the values are in components, the panel itself has no value
        ObjectNode bp = resource("Observation", "bp" + n, n + 2);
        bp.put("status", "final");
        bp.set("category", array(concept(null, vital, "vital-signs", "Vital Signs")));
        bp.set(
                "code",
                concept(
                        "Blood pressure",
                        LOINC,
                        "85354-9",
                        "Blood pressure panel",
                        SNOMED,
                        "75367002",
                        "Blood pressure"));
        bp.set("subject", ref(patient));
        bp.set("encounter", ref(encounter));
        bp.put("effectiveDateTime", instant(n, 9));
        bp.put("issued", instant(n, 11));
        bp.set(
                "component",
                array(
                        component(LOINC, "8480-6", "Systolic blood pressure")
                                .set("valueQuantity", quantity(179, "mm[Hg]")),
                        component(LOINC, "8462-4", "Diastolic blood pressure")
                                .set("valueQuantity", quantity(101, "mm[Hg]"))));
        ((ObjectNode) bp.get("component").get(0))
                .set(
                        "interpretation",
                        array(concept(
                                null,
                                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                "H",
                                "High",
                                SNOMED,
                                "75540009",
                                "High")));

        ObjectNode hr = resource("Observation", "hr" + n, n + 3);
        hr.put("status", "final");
        hr.set("category", array(concept(null, vital, "vital-signs", "Vital Signs")));
        hr.set("code", concept(null, LOINC, "8867-4", "Heart rate"));
        hr.set("subject", ref(patient));
        hr.set("encounter", ref(encounter));
        hr.put("effectiveDateTime", n % 4 == 0 ? "2023-06-01" : instant(n, 10));
        ObjectNode q = quantity(60 + n, "/min");
        if (n % 5 == 0) {
            q.put("comparator", "<");
        }
        hr.set("valueQuantity", q);
        hr.set(
                "interpretation",
                array(concept(
                        null,
                        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "N",
                        "Normal",
                        SNOMED,
                        "17621005",
                        "Normal")));

        // a lab with a coded result, two category codings and an effective period
        ObjectNode lab = resource("Observation", "lab" + n, n + 4);
        lab.put("status", "final");
        lab.set("category", array(concept(null, vital, "laboratory", "Laboratory", LOINC, "LP29693-6", "Laboratory")));
        lab.set(
                "code",
                concept(
                        "SARS-CoV-2 RNA",
                        LOINC,
                        "94500-6",
                        "SARS-CoV-2 RNA Pr NAA+probe",
                        "urn:oid:2.16.840.1.113883.3.1",
                        "COV-PCR",
                        "COVID PCR"));
        lab.set("subject", ref(patient));
        lab.set("encounter", ref(encounter));
        lab.set("effectivePeriod", period(instant(n, 8), instant(n, 12)));
        lab.put("issued", instant(n + 2, 13));
        lab.set(
                "valueCodeableConcept",
                concept("Not detected", SNOMED, "260415000", "Not detected", LOINC, "LA11883-8", "Not detected"));
        lab.set("performer", array(ref("Organization/org1")));

        // one more observation per patient, each with another value[x] choice in turn
        ObjectNode other = resource("Observation", "ob" + n, n + 5);
        other.put("status", n % 2 == 0 ? "final" : "amended");
        other.set("category", array(concept(null, vital, "survey", "Survey")));
        other.set("code", concept(null, LOINC, "72166-2", "Tobacco smoking status"));
        other.set("subject", ref(patient));
        if (n % 2 == 0) {
            other.put("effectiveInstant", instant(n, 14));
        } else {
            other.put("effectiveDateTime", "2022-11");
        }
        value(other, n);

        // a survey whose components carry every value[x] choice
        ObjectNode survey = resource("Observation", "sv" + n, n + 6);
        survey.put("status", "final");
        survey.set("category", array(concept(null, vital, "survey", "Survey")));
        survey.set("code", concept(null, LOINC, "93025-5", "PRAPARE"));
        survey.set("subject", ref(patient));
        survey.set("effectivePeriod", period(instant(n, 15), null));
        ArrayNode comps = survey.putArray("component");
        for (int v = 0; v < 12; v++) {
            ObjectNode c = component(LOINC, "9" + v + "000-0", "Question " + v);
            ((ArrayNode) c.get("code").get("coding")).add(coding("urn:local:questions", "q" + v, null));
            value(c, v);
            comps.add(c);
        }
    }

    private static ObjectNode component(String system, String code, String display) {
        return JSON.createObjectNode().set("code", concept(null, system, code, display));
    }

    /** Sets value[x] of an Observation or component to choice number {@code k % 12}. */
    private static void value(ObjectNode o, int k) {
        switch (k % 12) {
            case 0 -> o.put("valueString", "text value " + k);
            case 1 -> o.put("valueBoolean", k % 2 == 1);
            case 2 -> o.put("valueInteger", 40 + k);
            case 3 -> o.put("valueDateTime", instant(k, 16));
            case 4 -> o.put("valueTime", "08:30:00");
            case 5 -> o.set("valuePeriod", period(instant(k, 6), instant(k, 18)));
            case 6 ->
                o.set(
                        "valueRange",
                        JSON.createObjectNode()
                                .<ObjectNode>set("low", quantity(1.5, "mg"))
                                .set("high", quantity(2.5, "mg")));
            case 7 ->
                o.set(
                        "valueRatio",
                        JSON.createObjectNode()
                                .<ObjectNode>set("numerator", quantity(1, "mg"))
                                .set("denominator", quantity(5, "mL")));
            case 8 ->
                o.set(
                        "valueSampledData",
                        JSON.createObjectNode()
                                .put("period", 10)
                                .put("dimensions", 1)
                                .put("data", "1 2 3 4")
                                .set("origin", quantity(0, "mV")));
            case 9 ->
                o.set(
                        "valueCodeableConcept",
                        concept(
                                "Never smoker",
                                SNOMED,
                                "266919005",
                                "Never smoker",
                                LOINC,
                                "LA18978-9",
                                "Never smoker"));
            case 10 -> o.set("valueQuantity", quantity(7.25, "mmol/L").put("comparator", ">="));
            default ->
                o.set(
                        "dataAbsentReason",
                        concept(
                                null,
                                "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                "asked-declined",
                                "Declined"));
        }
    }

    private void clinical(int n, String patient, String encounter) {
        ObjectNode c = resource("Condition", "c" + n, n + 7);
        c.set(
                "clinicalStatus",
                concept(
                        null,
                        "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        n % 3 == 0 ? "resolved" : "active",
                        null));
        c.set(
                "verificationStatus",
                concept(null, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null));
        c.set(
                "category",
                array(
                        concept(
                                null,
                                "http://terminology.hl7.org/CodeSystem/condition-category",
                                "problem-list-item",
                                "Problem List Item"),
                        concept(
                                null,
                                "http://hl7.org/fhir/us/core/CodeSystem/us-core-category",
                                "health-concern",
                                "Health Concern")));
        c.set(
                "code",
                concept(
                        "Hypertension",
                        SNOMED,
                        "38341003",
                        "Hypertensive disorder",
                        ICD10,
                        "I10",
                        "Essential hypertension"));
        c.set("subject", ref(patient));
        c.set("encounter", ref(encounter));
        switch (n % 4) {
            case 0 -> c.put("onsetDateTime", instant(n, 3));
            case 1 -> c.set("onsetPeriod", period("2010-04", "2011"));
            case 2 ->
                c.set(
                        "onsetAge",
                        JSON.createObjectNode()
                                .put("value", 42)
                                .put("unit", "a")
                                .put("system", UCUM)
                                .put("code", "a"));
            default -> c.put("onsetString", "childhood");
        }
        switch (n % 4) {
            case 0 -> c.put("abatementDateTime", "2021-07-04");
            case 1 -> c.set("abatementPeriod", period(instant(n, 4), null));
            case 2 ->
                c.set("abatementAge", JSON.createObjectNode().put("value", 50).put("unit", "a"));
            default -> c.put("abatementString", "after surgery");
        }
        c.put("recordedDate", instant(n, 9));
        c.set("recorder", ref("Practitioner/pr1"));

        ObjectNode pr = resource("Procedure", "pr" + n, n + 8);
        pr.put("status", "completed");
        pr.set(
                "category",
                concept(
                        null,
                        SNOMED,
                        "387713003",
                        "Surgical procedure",
                        "http://hl7.org/fhir/us/core/CodeSystem/us-core-procedure-category",
                        "surgical",
                        null));
        pr.set(
                "code",
                concept(
                        null,
                        SNOMED,
                        "80146002",
                        "Appendectomy",
                        "http://www.ama-assn.org/go/cpt",
                        "44950",
                        "Appendectomy"));
        pr.set("subject", ref(patient));
        pr.set("encounter", ref(encounter));
        switch (n % 3) {
            case 0 -> pr.put("performedDateTime", instant(n, 11));
            case 1 -> pr.set("performedPeriod", period(instant(n, 11), instant(n, 13)));
            default -> pr.put("performedString", "last spring");
        }
        pr.set("performer", array(JSON.createObjectNode().set("actor", ref("Practitioner/pr2"))));
        pr.set("location", ref("Location/loc2"));
        pr.set(
                "reasonCode",
                array(concept(null, SNOMED, "74400008", "Appendicitis", ICD10, "K37", "Unspecified appendicitis")));

        ObjectNode mr = resource("MedicationRequest", "mr" + n, n + 9);
        mr.put("status", "active").put("intent", "order");
        mr.set(
                "category",
                array(concept(
                        null,
                        "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                        "outpatient",
                        null,
                        "http://hl7.org/fhir/us/core/CodeSystem/us-core-medicationrequest-category",
                        "community",
                        null)));
        if (n % 3 == 2) {
            mr.set("medicationReference", ref("Medication/med" + n));
        } else {
            mr.set(
                    "medicationCodeableConcept",
                    concept(
                            null,
                            "http://www.nlm.nih.gov/research/umls/rxnorm",
                            "860975",
                            "Metformin 500 MG",
                            "http://hl7.org/fhir/sid/ndc",
                            "0093-1048",
                            null));
        }
        mr.set("subject", ref(patient));
        mr.set("encounter", ref(encounter));
        mr.put("authoredOn", n % 2 == 0 ? "2023-03-04" : instant(n, 10));
        mr.set("requester", ref("Practitioner/pr1"));
        mr.put("reportedBoolean", n % 2 == 0);
        mr.set("dosageInstruction", array(JSON.createObjectNode().put("text", "1 tablet daily")));

        ObjectNode im = resource("Immunization", "im" + n, n + 10);
        im.put("status", n % 5 == 4 ? "not-done" : "completed");
        if (n % 5 == 4) {
            im.set(
                    "statusReason",
                    concept(null, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "PATOBJ", "patient objection"));
        }
        im.set(
                "vaccineCode",
                concept(
                        null,
                        "http://hl7.org/fhir/sid/cvx",
                        "140",
                        "Influenza",
                        "http://hl7.org/fhir/sid/ndc",
                        "49281-0703-55",
                        null));
        im.set("patient", ref(patient));
        im.set("encounter", ref(encounter));
        if (n % 3 == 1) {
            im.put("occurrenceString", "as a child");
        } else {
            im.put("occurrenceDateTime", instant(n, 14));
        }
        im.put("recorded", n % 2 == 0 ? "2023-05-06" : instant(n, 15));
        im.put("primarySource", n % 2 == 0);
        im.put("lotNumber", "LOT" + n);
        im.set("location", ref("Location/loc1"));
        im.set("performer", array(JSON.createObjectNode().set("actor", ref("Practitioner/pr1"))));

        ObjectNode ai = resource("AllergyIntolerance", "ai" + n, n + 11);
        ai.set(
                "clinicalStatus",
                concept(null, "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", null));
        ai.set(
                "verificationStatus",
                concept(
                        null,
                        "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                        "confirmed",
                        null));
        ai.put("type", "allergy").put("criticality", "high");
        ai.set(
                "category",
                array(
                        JSON.getNodeFactory().textNode("food"),
                        JSON.getNodeFactory().textNode("medication")));
        ai.set(
                "code",
                concept(
                        null,
                        SNOMED,
                        "227493005",
                        "Cashew nuts",
                        "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "1160593",
                        "cashew nut allergenic extract"));
        ai.set("patient", ref(patient));
        ai.set("encounter", ref(encounter));
        switch (n % 4) {
            case 0 -> ai.put("onsetDateTime", "2001");
            case 1 -> ai.set("onsetPeriod", period(instant(n, 2), null));
            case 2 -> ai.set("onsetAge", JSON.createObjectNode().put("value", 3).put("unit", "a"));
            default -> ai.put("onsetString", "in infancy");
        }
        ai.put("recordedDate", instant(n, 12));
        ai.set(
                "reaction",
                array(JSON.createObjectNode()
                        .put("severity", "severe")
                        .set(
                                "manifestation",
                                array(concept(
                                        null,
                                        SNOMED,
                                        "39579001",
                                        "Anaphylaxis",
                                        "urn:local:reactions",
                                        "ANA",
                                        null)))));

        ObjectNode dr = resource("DiagnosticReport", "dr" + n, n + 12);
        dr.put("status", "final");
        // two codings of one category: the first alone would hide the LOINC one
        dr.set(
                "category",
                array(concept(
                        null,
                        "http://terminology.hl7.org/CodeSystem/v2-0074",
                        "LAB",
                        "Laboratory",
                        LOINC,
                        "LP29684-5",
                        "Radiology")));
        dr.set("code", concept(null, LOINC, "58410-2", "CBC panel", "urn:local:panels", "CBC", null));
        dr.set("subject", ref(patient));
        dr.set("encounter", ref(encounter));
        if (n % 2 == 0) {
            dr.put("effectiveDateTime", instant(n, 9));
        } else {
            dr.set("effectivePeriod", period(instant(n, 8), instant(n, 9)));
        }
        dr.put("issued", instant(n, 17));
        dr.set("performer", array(ref("Organization/org1")));
        dr.put("conclusion", "Normal");
        dr.set("result", array(ref("Observation/lab" + n), ref("Observation/hr" + n)));

        ObjectNode doc = resource("DocumentReference", "doc" + n, n + 13);
        doc.put("status", "current").put("docStatus", "final");
        doc.set("type", concept(null, LOINC, "34133-9", "Summary of episode note", "urn:local:docs", "SUM", null));
        doc.set(
                "category",
                array(concept(
                        null,
                        "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                        "clinical-note",
                        "Clinical Note",
                        LOINC,
                        "47039-3",
                        "Admission note")));
        doc.set("subject", ref(patient));
        doc.put("date", instant(n, 18));
        doc.set("author", array(ref("Practitioner/pr1")));
        doc.set("custodian", ref("Organization/org1"));
        doc.put("description", "Discharge summary " + n);
        doc.set(
                "content",
                array(
                        JSON.createObjectNode()
                                .set(
                                        "attachment",
                                        JSON.createObjectNode()
                                                .put("contentType", "text/plain")
                                                .put("url", "Binary/b" + n)
                                                .put("title", "summary.txt")),
                        JSON.createObjectNode()
                                .set(
                                        "attachment",
                                        JSON.createObjectNode()
                                                .put("contentType", "application/pdf")
                                                .put("url", "Binary/b" + n + "-pdf"))));
        ObjectNode context = doc.putObject("context");
        context.set("encounter", array(ref(encounter)));
        context.set("period", period(instant(n, 9), instant(n + 1, 10)));
    }
}
