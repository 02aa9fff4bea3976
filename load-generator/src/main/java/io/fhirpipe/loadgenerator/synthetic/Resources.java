package io.fhirpipe.loadgenerator.synthetic;

import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.DIAGNOSTIC_REPORT;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.ENCOUNTER;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.LOCATION;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.OBSERVATION;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.ORGANIZATION;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.PATIENT;
import static io.fhirpipe.loadgenerator.synthetic.SyntheticType.PRACTITIONER;

import io.fhirpipe.loadgenerator.synthetic.Vocabulary.Code;
import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes one R4 resource per type, shaped like US Core data from a real server: profiles in
 * {@code meta}, US Core extensions (race and ethnicity with nested extensions, birth sex), repeated
 * and nested elements, choice types in more than one form, and references to other resources of the
 * population. The content is plausible rather than clinically consistent: what matters for a load
 * test is the shape and size of real exports.
 */
final class Resources {

    private static final String US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/";
    private static final long NEWEST = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
    private static final long TEN_YEARS = 10L * 365 * 86400;

    private final Population population;

    Resources(Population population) {
        this.population = population;
    }

    void write(SyntheticType type, long i, Json j) {
        SplittableRandom r = population.random(type, i);
        j.obj().str("resourceType", type.resourceType()).str("id", population.id(type, i));
        switch (type) {
            case PATIENT -> patient(i, r, j);
            case ENCOUNTER -> encounter(i, r, j);
            case OBSERVATION -> observation(i, r, j);
            case CONDITION -> condition(i, r, j);
            case PROCEDURE -> procedure(i, r, j);
            case MEDICATION_REQUEST -> medicationRequest(i, r, j);
            case IMMUNIZATION -> immunization(i, r, j);
            case ALLERGY_INTOLERANCE -> allergy(i, r, j);
            case DIAGNOSTIC_REPORT -> diagnosticReport(i, r, j);
            case DOCUMENT_REFERENCE -> documentReference(i, r, j);
            case PRACTITIONER -> practitioner(i, r, j);
            case ORGANIZATION -> organization(i, r, j);
            case LOCATION -> location(i, r, j);
            default -> throw new IllegalArgumentException(type.toString());
        }
        j.end();
    }

    private void patient(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(PATIENT, i), "us-core-patient");
        boolean female = r.nextBoolean();
        Code race = pick(r, Vocabulary.RACES);
        Code ethnicity = pick(r, Vocabulary.ETHNICITIES);
        j.arr("extension");
        ombExtension(j, "us-core-race", "urn:oid:2.16.840.1.113883.6.238", race);
        ombExtension(j, "us-core-ethnicity", "urn:oid:2.16.840.1.113883.6.238", ethnicity);
        j.obj()
                .str("url", US_CORE + "us-core-birthsex")
                .str("valueCode", female ? "F" : "M")
                .end();
        j.endArr();
        j.arr("identifier");
        j.obj()
                .obj("type")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v2-0203")
                .str("code", "MR")
                .str("display", "Medical Record Number")
                .end()
                .endArr()
                .str("text", "Medical Record Number")
                .end()
                .str("system", "http://hospital.smarthealthit.org")
                .str("value", "MRN-" + (1_000_000 + i))
                .end();
        j.obj()
                .obj("type")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v2-0203")
                .str("code", "SS")
                .end()
                .endArr()
                .end()
                .str("system", "http://hl7.org/fhir/sid/us-ssn")
                .str("value", "999-" + (10 + r.nextInt(89)) + "-" + (1000 + r.nextInt(8999)))
                .end();
        j.endArr();
        String family = pick(r, Vocabulary.FAMILY);
        j.arr("name");
        j.obj()
                .str("use", "official")
                .str("family", family)
                .arr("given")
                .str(pick(r, female ? Vocabulary.GIVEN_FEMALE : Vocabulary.GIVEN_MALE))
                .str(pick(r, female ? Vocabulary.GIVEN_FEMALE : Vocabulary.GIVEN_MALE))
                .endArr()
                .arr("prefix")
                .str(female ? "Ms." : "Mr.")
                .endArr()
                .end();
        if (r.nextInt(4) == 0) {
            j.obj()
                    .str("use", "maiden")
                    .str("family", pick(r, Vocabulary.FAMILY))
                    .end();
        }
        j.endArr();
        j.arr("telecom");
        j.obj()
                .str("system", "phone")
                .str("value", "555-" + (100 + r.nextInt(899)) + "-" + (1000 + r.nextInt(8999)))
                .str("use", "home")
                .end();
        j.obj()
                .str("system", "email")
                .str("value", family.toLowerCase(java.util.Locale.ROOT).replace("'", "") + i + "@example.org")
                .end();
        j.endArr();
        j.str("gender", female ? "female" : "male");
        LocalDate birth = LocalDate.ofEpochDay(-25_000 + r.nextInt(45_000));
        j.str("birthDate", birth.toString());
        if (r.nextInt(20) == 0) {
            j.str("deceasedDateTime", instant(r));
        } else {
            j.bool("deceasedBoolean", false);
        }
        address(j, r, true);
        Code marital = pick(r, Vocabulary.MARITAL);
        j.obj("maritalStatus")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus")
                .str("code", marital.code())
                .str("display", marital.display())
                .end()
                .endArr()
                .str("text", marital.display())
                .end();
        if (r.nextInt(10) == 0) {
            j.num("multipleBirthInteger", 1 + r.nextInt(2));
        } else {
            j.bool("multipleBirthBoolean", false);
        }
        Code language = pick(r, Vocabulary.LANGUAGES);
        j.arr("communication")
                .obj()
                .obj("language")
                .arr("coding")
                .obj()
                .str("system", "urn:ietf:bcp:47")
                .str("code", language.code())
                .str("display", language.display())
                .end()
                .endArr()
                .str("text", language.display())
                .end()
                .bool("preferred", true)
                .end()
                .endArr();
        j.arr("generalPractitioner");
        reference(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.endArr();
        j.obj("managingOrganization");
        referenceFields(j, ORGANIZATION, r.nextLong(population.count(ORGANIZATION)));
        j.end();
    }

    private void encounter(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(ENCOUNTER, i), "us-core-encounter");
        long patient = population.owner(ENCOUNTER, i);
        j.arr("identifier")
                .obj()
                .str("use", "usual")
                .str("system", "urn:ietf:rfc:3986")
                .str("value", "urn:uuid:" + population.id(ENCOUNTER, i))
                .end()
                .endArr();
        j.str("status", "finished");
        Code cls = pick(r, Vocabulary.ENCOUNTER_CLASSES);
        j.obj("class")
                .str("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode")
                .str("code", cls.code())
                .str("display", cls.display())
                .end();
        Code type = pick(r, Vocabulary.ENCOUNTER_TYPES);
        j.arr("type");
        codeableConcept(j, Vocabulary.SNOMED, type);
        j.endArr();
        subject(j, patient);
        long start = timestamp(r);
        j.arr("participant")
                .obj()
                .arr("type")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v3-ParticipationType")
                .str("code", "PPRF")
                .str("display", "primary performer")
                .end()
                .endArr()
                .str("text", "primary performer")
                .end()
                .endArr()
                .obj("period")
                .str("start", Instant.ofEpochSecond(start).toString())
                .str("end", Instant.ofEpochSecond(start + 900 + r.nextInt(7200)).toString())
                .end()
                .obj("individual");
        referenceFields(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.end().end().endArr();
        j.obj("period")
                .str("start", Instant.ofEpochSecond(start).toString())
                .str("end", Instant.ofEpochSecond(start + 900 + r.nextInt(7200)).toString())
                .end();
        if (r.nextBoolean()) {
            j.arr("reasonCode");
            codeableConcept(j, Vocabulary.SNOMED, pick(r, Vocabulary.CONDITIONS));
            j.endArr();
        }
        if ("IMP".equals(cls.code())) {
            j.obj("hospitalization")
                    .obj("dischargeDisposition")
                    .arr("coding")
                    .obj()
                    .str("system", "http://terminology.hl7.org/CodeSystem/discharge-disposition")
                    .str("code", "home")
                    .str("display", "Home")
                    .end()
                    .endArr()
                    .end()
                    .end();
        }
        j.arr("location").obj().obj("location");
        referenceFields(j, LOCATION, r.nextLong(population.count(LOCATION)));
        j.end().end().endArr();
        j.obj("serviceProvider");
        referenceFields(j, ORGANIZATION, r.nextLong(population.count(ORGANIZATION)));
        j.end();
    }

    private void observation(long i, SplittableRandom r, Json j) {
        long patient = population.owner(OBSERVATION, i);
        int kind = r.nextInt(10);
        String category;
        if (kind < 5) {
            meta(j, r, population.versionId(OBSERVATION, i), "us-core-vital-signs");
            category = "vital-signs";
        } else if (kind < 9) {
            meta(j, r, population.versionId(OBSERVATION, i), "us-core-observation-lab");
            category = "laboratory";
        } else {
            meta(j, r, population.versionId(OBSERVATION, i), "us-core-smokingstatus");
            category = "social-history";
        }
        j.str("status", "final");
        j.arr("category")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/observation-category")
                .str("code", category)
                .end()
                .endArr()
                .end()
                .endArr();
        Code code = kind == 9
                ? Vocabulary.SMOKING
                : kind == 4 ? Vocabulary.BLOOD_PRESSURE : pick(r, kind < 5 ? Vocabulary.VITALS : Vocabulary.LABS);
        codeableConcept(j.obj("code"), Vocabulary.LOINC, code, true);
        subject(j, patient);
        encounterOf(j, patient, r);
        long when = timestamp(r);
        if (r.nextInt(8) == 0) {
            j.obj("effectivePeriod")
                    .str("start", Instant.ofEpochSecond(when).toString())
                    .str("end", Instant.ofEpochSecond(when + 600).toString())
                    .end();
        } else {
            j.str("effectiveDateTime", Instant.ofEpochSecond(when).toString());
        }
        j.str("issued", Instant.ofEpochSecond(when + 3600).toString());
        if (kind == 9) {
            j.obj("valueCodeableConcept");
            codeableConcept(j, Vocabulary.SNOMED, pick(r, Vocabulary.SMOKING_ANSWERS), true);
        } else if (kind == 4) {
            j.arr("component");
            component(j, r, Vocabulary.SYSTOLIC);
            component(j, r, Vocabulary.DIASTOLIC);
            j.endArr();
        } else {
            quantity(j.obj("valueQuantity"), r, code).end();
            if (kind >= 5) {
                j.arr("referenceRange").obj();
                j.obj("low")
                        .tenths("value", code.lowTenths())
                        .str("unit", code.unit())
                        .end();
                j.obj("high")
                        .tenths("value", code.highTenths())
                        .str("unit", code.unit())
                        .end();
                j.end().endArr();
                j.arr("interpretation")
                        .obj()
                        .arr("coding")
                        .obj()
                        .str("system", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation")
                        .str("code", r.nextInt(5) == 0 ? "H" : "N")
                        .end()
                        .endArr()
                        .end()
                        .endArr();
            }
        }
    }

    private void condition(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.CONDITION, i), "us-core-condition-problems-health-concerns");
        long patient = population.owner(SyntheticType.CONDITION, i);
        boolean resolved = r.nextInt(3) == 0;
        j.obj("clinicalStatus")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/condition-clinical")
                .str("code", resolved ? "resolved" : "active")
                .end()
                .endArr()
                .end();
        j.obj("verificationStatus")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/condition-ver-status")
                .str("code", "confirmed")
                .end()
                .endArr()
                .end();
        j.arr("category")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/condition-category")
                .str("code", "problem-list-item")
                .str("display", "Problem List Item")
                .end()
                .endArr()
                .end()
                .endArr();
        codeableConcept(j.obj("code"), Vocabulary.SNOMED, pick(r, Vocabulary.CONDITIONS), true);
        subject(j, patient);
        encounterOf(j, patient, r);
        long onset = timestamp(r);
        if (r.nextInt(4) == 0) {
            int years = 5 + r.nextInt(70);
            j.obj("onsetAge")
                    .num("value", years)
                    .str("unit", "a")
                    .str("system", Vocabulary.UCUM)
                    .str("code", "a")
                    .end();
        } else {
            j.str("onsetDateTime", Instant.ofEpochSecond(onset).toString());
        }
        if (resolved) {
            j.str(
                    "abatementDateTime",
                    Instant.ofEpochSecond(onset + 86400L * (3 + r.nextInt(60))).toString());
        }
        j.str("recordedDate", Instant.ofEpochSecond(onset).toString());
    }

    private void procedure(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.PROCEDURE, i), "us-core-procedure");
        long patient = population.owner(SyntheticType.PROCEDURE, i);
        j.str("status", "completed");
        codeableConcept(j.obj("code"), Vocabulary.SNOMED, pick(r, Vocabulary.PROCEDURES), true);
        subject(j, patient);
        encounterOf(j, patient, r);
        long when = timestamp(r);
        if (r.nextBoolean()) {
            j.obj("performedPeriod")
                    .str("start", Instant.ofEpochSecond(when).toString())
                    .str("end", Instant.ofEpochSecond(when + 1800).toString())
                    .end();
        } else {
            j.str("performedDateTime", Instant.ofEpochSecond(when).toString());
        }
        j.arr("performer").obj().obj("actor");
        referenceFields(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.end().end().endArr();
        j.obj("location");
        referenceFields(j, LOCATION, r.nextLong(population.count(LOCATION)));
        j.end();
    }

    private void medicationRequest(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.MEDICATION_REQUEST, i), "us-core-medicationrequest");
        long patient = population.owner(SyntheticType.MEDICATION_REQUEST, i);
        j.str("status", r.nextInt(4) == 0 ? "stopped" : "active").str("intent", "order");
        j.arr("category")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/medicationrequest-category")
                .str("code", "community")
                .end()
                .endArr()
                .end()
                .endArr();
        Code medication = pick(r, Vocabulary.MEDICATIONS);
        codeableConcept(j.obj("medicationCodeableConcept"), Vocabulary.RXNORM, medication, true);
        subject(j, patient);
        encounterOf(j, patient, r);
        j.str("authoredOn", Instant.ofEpochSecond(timestamp(r)).toString());
        j.obj("requester");
        referenceFields(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.end();
        int times = 1 + r.nextInt(3);
        j.arr("dosageInstruction")
                .obj()
                .num("sequence", 1)
                .str("text", times + " times a day")
                .obj("timing")
                .obj("repeat")
                .num("frequency", times)
                .num("period", 1)
                .str("periodUnit", "d")
                .end()
                .end()
                .bool("asNeededBoolean", r.nextInt(5) == 0)
                .arr("doseAndRate")
                .obj()
                .obj("type")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/dose-rate-type")
                .str("code", "ordered")
                .end()
                .endArr()
                .end()
                .obj("doseQuantity")
                .num("value", 1)
                .end()
                .end()
                .endArr()
                .end()
                .endArr();
    }

    private void immunization(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.IMMUNIZATION, i), "us-core-immunization");
        long patient = population.owner(SyntheticType.IMMUNIZATION, i);
        j.str("status", "completed");
        codeableConcept(j.obj("vaccineCode"), Vocabulary.CVX, pick(r, Vocabulary.VACCINES), true);
        j.obj("patient");
        referenceFields(j, PATIENT, patient);
        j.end();
        encounterOf(j, patient, r);
        j.str("occurrenceDateTime", Instant.ofEpochSecond(timestamp(r)).toString());
        j.bool("primarySource", true);
        j.str("lotNumber", "LOT" + (10000 + r.nextInt(89999)));
        j.arr("performer").obj().obj("actor");
        referenceFields(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.end().end().endArr();
    }

    private void allergy(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.ALLERGY_INTOLERANCE, i), "us-core-allergyintolerance");
        long patient = population.owner(SyntheticType.ALLERGY_INTOLERANCE, i);
        j.obj("clinicalStatus")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical")
                .str("code", "active")
                .end()
                .endArr()
                .end();
        j.obj("verificationStatus")
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification")
                .str("code", "confirmed")
                .end()
                .endArr()
                .end();
        j.str("type", "allergy")
                .arr("category")
                .str(r.nextBoolean() ? "environment" : "food")
                .endArr();
        j.str("criticality", r.nextInt(4) == 0 ? "high" : "low");
        codeableConcept(j.obj("code"), Vocabulary.SNOMED, pick(r, Vocabulary.ALLERGIES), true);
        j.obj("patient");
        referenceFields(j, PATIENT, patient);
        j.end();
        j.str("recordedDate", Instant.ofEpochSecond(timestamp(r)).toString());
        j.arr("reaction").obj().arr("manifestation");
        int n = 1 + r.nextInt(2);
        for (int k = 0; k < n; k++) {
            codeableConcept(j, Vocabulary.SNOMED, pick(r, Vocabulary.REACTIONS));
        }
        j.endArr().str("severity", r.nextBoolean() ? "mild" : "moderate").end().endArr();
    }

    private void diagnosticReport(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(DIAGNOSTIC_REPORT, i), "us-core-diagnosticreport-lab");
        long patient = population.owner(DIAGNOSTIC_REPORT, i);
        j.str("status", "final");
        j.arr("category")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v2-0074")
                .str("code", "LAB")
                .str("display", "Laboratory")
                .end()
                .endArr()
                .end()
                .endArr();
        codeableConcept(j.obj("code"), Vocabulary.LOINC, pick(r, Vocabulary.REPORTS), true);
        subject(j, patient);
        encounterOf(j, patient, r);
        long when = timestamp(r);
        j.str("effectiveDateTime", Instant.ofEpochSecond(when).toString());
        j.str("issued", Instant.ofEpochSecond(when + 7200).toString());
        j.arr("performer");
        reference(j, ORGANIZATION, r.nextLong(population.count(ORGANIZATION)));
        j.endArr();
        long first = population.firstOwned(OBSERVATION, patient);
        long owned = population.firstOwned(OBSERVATION, patient + 1) - first;
        if (owned > 0) {
            j.arr("result");
            long n = Math.min(owned, 1 + r.nextInt(4));
            for (long k = 0; k < n; k++) {
                reference(j, OBSERVATION, first + k);
            }
            j.endArr();
        }
    }

    private void documentReference(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(SyntheticType.DOCUMENT_REFERENCE, i), "us-core-documentreference");
        long patient = population.owner(SyntheticType.DOCUMENT_REFERENCE, i);
        j.str("status", "current");
        Code type = pick(r, Vocabulary.DOCUMENTS);
        codeableConcept(j.obj("type"), Vocabulary.LOINC, type, true);
        j.arr("category")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category")
                .str("code", "clinical-note")
                .str("display", "Clinical Note")
                .end()
                .endArr()
                .end()
                .endArr();
        subject(j, patient);
        long when = timestamp(r);
        j.str("date", Instant.ofEpochSecond(when).toString());
        j.arr("author");
        reference(j, PRACTITIONER, r.nextLong(population.count(PRACTITIONER)));
        j.endArr();
        // A short base64 note: attachments are what makes real DocumentReference lines long.
        StringBuilder note = new StringBuilder(type.display())
                .append(" for patient ")
                .append(patient)
                .append(": ");
        int sentences = 2 + r.nextInt(6);
        for (int k = 0; k < sentences; k++) {
            note.append(pick(r, Vocabulary.CONDITIONS).display()).append(" reviewed; plan unchanged. ");
        }
        j.arr("content")
                .obj()
                .obj("attachment")
                .str("contentType", "text/plain; charset=utf-8")
                .str(
                        "data",
                        java.util.Base64.getEncoder()
                                .encodeToString(note.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .str("title", type.display())
                .str("creation", Instant.ofEpochSecond(when).toString())
                .end()
                .obj("format")
                .str("system", "http://ihe.net/fhir/ValueSet/IHE.FormatCode.codesystem")
                .str("code", "urn:ihe:iti:xds:2017:mimeTypeSufficient")
                .end()
                .end()
                .endArr();
        long first = population.firstOwned(ENCOUNTER, patient);
        if (population.firstOwned(ENCOUNTER, patient + 1) > first) {
            j.obj("context").arr("encounter");
            reference(j, ENCOUNTER, first);
            j.endArr()
                    .obj("period")
                    .str("start", Instant.ofEpochSecond(when).toString())
                    .end()
                    .end();
        }
    }

    private void practitioner(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(PRACTITIONER, i), "us-core-practitioner");
        j.arr("identifier")
                .obj()
                .str("system", "http://hl7.org/fhir/sid/us-npi")
                .str("value", Long.toString(1_000_000_000L + i))
                .end()
                .endArr();
        j.bool("active", true);
        boolean female = r.nextBoolean();
        j.arr("name")
                .obj()
                .str("family", pick(r, Vocabulary.FAMILY))
                .arr("given")
                .str(pick(r, female ? Vocabulary.GIVEN_FEMALE : Vocabulary.GIVEN_MALE))
                .endArr()
                .arr("prefix")
                .str("Dr.")
                .endArr()
                .end()
                .endArr();
        j.arr("telecom")
                .obj()
                .str("system", "email")
                .str("value", "practitioner" + i + "@example.org")
                .str("use", "work")
                .end()
                .endArr();
        address(j, r, false);
        j.str("gender", female ? "female" : "male");
        Code specialty = pick(r, Vocabulary.SPECIALTIES);
        j.arr("qualification").obj().obj("code");
        codeableConceptFields(j, "http://nucc.org/provider-taxonomy", specialty, true);
        j.end().end().endArr();
    }

    private void organization(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(ORGANIZATION, i), "us-core-organization");
        j.arr("identifier")
                .obj()
                .str("system", "http://hl7.org/fhir/sid/us-npi")
                .str("value", Long.toString(1_500_000_000L + i))
                .end()
                .endArr();
        j.bool("active", true);
        j.arr("type")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/organization-type")
                .str("code", "prov")
                .str("display", "Healthcare Provider")
                .end()
                .endArr()
                .end()
                .endArr();
        String city = pick(r, Vocabulary.CITIES);
        j.str("name", city + " " + pick(r, Vocabulary.ORGANIZATION_WORDS) + " Hospital");
        j.arr("telecom")
                .obj()
                .str("system", "phone")
                .str("value", "555-" + (100 + r.nextInt(899)) + "-0100")
                .end()
                .endArr();
        address(j, r, false);
    }

    private void location(long i, SplittableRandom r, Json j) {
        meta(j, r, population.versionId(LOCATION, i), "us-core-location");
        j.str("status", "active");
        String city = pick(r, Vocabulary.CITIES);
        j.str("name", city + " Clinic " + (i + 1));
        j.arr("type")
                .obj()
                .arr("coding")
                .obj()
                .str("system", "http://terminology.hl7.org/CodeSystem/v3-RoleCode")
                .str("code", "HOSP")
                .str("display", "Hospital")
                .end()
                .endArr()
                .end()
                .endArr();
        j.arr("telecom")
                .obj()
                .str("system", "phone")
                .str("value", "555-" + (100 + r.nextInt(899)) + "-0200")
                .end()
                .endArr();
        address(j, r, false);
        j.obj("position")
                .tenths("longitude", -710 - r.nextInt(20))
                .tenths("latitude", 420 + r.nextInt(5))
                .end();
        j.obj("managingOrganization");
        referenceFields(j, ORGANIZATION, r.nextLong(population.count(ORGANIZATION)));
        j.end();
    }

    // --- shared parts ---

    private static void meta(Json j, SplittableRandom r, String versionId, String profile) {
        // The draw that once chose the version stays, so every other field keeps its value for a seed.
        r.nextInt(3);
        j.obj("meta")
                .str("versionId", versionId)
                .str(
                        "lastUpdated",
                        Instant.ofEpochSecond(NEWEST - r.nextLong(TEN_YEARS / 10))
                                .toString())
                .arr("profile")
                .str(US_CORE + profile)
                .endArr()
                .end();
    }

    private static void ombExtension(Json j, String profile, String system, Code code) {
        j.obj().str("url", US_CORE + profile).arr("extension");
        j.obj()
                .str("url", "ombCategory")
                .obj("valueCoding")
                .str("system", system)
                .str("code", code.code())
                .str("display", code.display())
                .end()
                .end();
        j.obj().str("url", "text").str("valueString", code.display()).end();
        j.endArr().end();
    }

    private static void address(Json j, SplittableRandom r, boolean withGeolocation) {
        j.arr("address").obj();
        if (withGeolocation) {
            j.arr("extension")
                    .obj()
                    .str("url", "http://hl7.org/fhir/StructureDefinition/geolocation")
                    .arr("extension")
                    .obj()
                    .str("url", "latitude")
                    .tenths("valueDecimal", 420 + r.nextInt(5))
                    .end()
                    .obj()
                    .str("url", "longitude")
                    .tenths("valueDecimal", -710 - r.nextInt(20))
                    .end()
                    .endArr()
                    .end()
                    .endArr();
        }
        j.arr("line")
                .str((1 + r.nextInt(9999)) + " " + pick(r, Vocabulary.STREETS))
                .endArr()
                .str("city", pick(r, Vocabulary.CITIES))
                .str("state", "MA")
                .str("postalCode", "0" + (1000 + r.nextInt(1700)))
                .str("country", "US")
                .end()
                .endArr();
    }

    private static void codeableConcept(Json j, String system, Code code) {
        codeableConcept(j.obj(), system, code, true);
    }

    /** Fills the object the caller opened and closes it. */
    private static void codeableConcept(Json j, String system, Code code, boolean withText) {
        codeableConceptFields(j, system, code, withText);
        j.end();
    }

    private static void codeableConceptFields(Json j, String system, Code code, boolean withText) {
        j.arr("coding")
                .obj()
                .str("system", system)
                .str("code", code.code())
                .str("display", code.display())
                .end()
                .endArr();
        if (withText) {
            j.str("text", code.display());
        }
    }

    private static Json quantity(Json j, SplittableRandom r, Code code) {
        return j.tenths("value", code.lowTenths() + r.nextInt(code.highTenths() - code.lowTenths() + 1))
                .str("unit", code.unit())
                .str("system", Vocabulary.UCUM)
                .str("code", code.unit());
    }

    private static void component(Json j, SplittableRandom r, Code code) {
        j.obj();
        codeableConcept(j.obj("code"), Vocabulary.LOINC, code, true);
        quantity(j.obj("valueQuantity"), r, code).end();
        j.end();
    }

    private void subject(Json j, long patient) {
        j.obj("subject");
        referenceFields(j, PATIENT, patient);
        j.end();
    }

    /** One of the patient's own encounters, when the patient has any. */
    private void encounterOf(Json j, long patient, SplittableRandom r) {
        long first = population.firstOwned(ENCOUNTER, patient);
        long owned = population.firstOwned(ENCOUNTER, patient + 1) - first;
        if (owned > 0) {
            j.obj("encounter");
            referenceFields(j, ENCOUNTER, first + r.nextLong(owned));
            j.end();
        }
    }

    private void reference(Json j, SyntheticType type, long index) {
        j.obj();
        referenceFields(j, type, index);
        j.end();
    }

    private void referenceFields(Json j, SyntheticType type, long index) {
        j.str("reference", type.resourceType() + "/" + population.id(type, index));
    }

    private static long timestamp(SplittableRandom r) {
        return NEWEST - r.nextLong(TEN_YEARS);
    }

    private static String instant(SplittableRandom r) {
        return Instant.ofEpochSecond(timestamp(r)).toString();
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
