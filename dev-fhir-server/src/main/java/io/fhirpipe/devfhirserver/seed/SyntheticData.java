package io.fhirpipe.devfhirserver.seed;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Deterministic synthetic clinical data: the same (patients, random seed) always gives the same
 * resources with the same ids, so a run can be repeated and tests can know what to expect.
 *
 * <p>Shape: 2 Organizations and 3 Practitioners; per patient 1-3 Encounters, 2-4 Observations per
 * Encounter (vital signs and laboratory), 0-2 Conditions and 0-2 MedicationRequests; Group
 * {@value #SMALL_GROUP} (the first {@value #SMALL_GROUP_SIZE} patients) and Group
 * {@value #COHORT_GROUP} (a random half of the patients, at least one). Ids follow the recorded
 * HAPI fixtures: {@code pt-00001}, {@code enc-00001-0}, {@code obs-00001-3}, {@code cond-00001-0},
 * {@code medreq-00001-0}, {@code org-0001}, {@code pr-0001}. Every entry is a PUT, so loading twice
 * does not duplicate anything.
 */
public record SyntheticData(List<Bundle> transactions) {

    public static final String SMALL_GROUP = "grp-small";
    public static final String COHORT_GROUP = "grp-cohort";
    public static final int SMALL_GROUP_SIZE = 5;
    static final int PATIENTS_PER_TRANSACTION = 25;
    static final int ORGANIZATIONS = 2;
    static final int PRACTITIONERS = 3;
    // Clinical dates are fixed, not relative to today: the output must not depend on when it runs.
    private static final LocalDate FIRST_BIRTH = LocalDate.of(1940, 1, 1);
    private static final LocalDateTime FIRST_ENCOUNTER = LocalDateTime.of(2015, 1, 1, 8, 0);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private record Code(
            String system, String code, String display, String unit, double low, double high, String category) {}

    private static final String LOINC = "http://loinc.org";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private static final List<Code> OBSERVATIONS = List.of(
            new Code(LOINC, "8867-4", "Heart rate", "/min", 50, 110, "vital-signs"),
            new Code(LOINC, "8480-6", "Systolic blood pressure", "mm[Hg]", 95, 170, "vital-signs"),
            new Code(LOINC, "8462-4", "Diastolic blood pressure", "mm[Hg]", 55, 105, "vital-signs"),
            new Code(LOINC, "29463-7", "Body weight", "kg", 45, 130, "vital-signs"),
            new Code(LOINC, "8302-2", "Body height", "cm", 150, 200, "vital-signs"),
            new Code(LOINC, "2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 70, 200, "laboratory"),
            new Code(LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 10, 18, "laboratory"),
            new Code(LOINC, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 120, 300, "laboratory"));
    private static final List<Code> CONDITIONS = List.of(
            new Code(SNOMED, "195967001", "Asthma", null, 0, 0, null),
            new Code(SNOMED, "38341003", "Hypertensive disorder", null, 0, 0, null),
            new Code(SNOMED, "44054006", "Diabetes mellitus type 2", null, 0, 0, null),
            new Code(SNOMED, "55822004", "Hyperlipidemia", null, 0, 0, null),
            new Code(SNOMED, "40055000", "Chronic sinusitis", null, 0, 0, null));
    private static final List<Code> MEDICATIONS = List.of(
            new Code(RXNORM, "197361", "Amlodipine 5 MG Oral Tablet", null, 0, 0, null),
            new Code(RXNORM, "860975", "Metformin hydrochloride 500 MG Oral Tablet", null, 0, 0, null),
            new Code(RXNORM, "314076", "Lisinopril 10 MG Oral Tablet", null, 0, 0, null),
            new Code(RXNORM, "617312", "Atorvastatin 10 MG Oral Tablet", null, 0, 0, null),
            new Code(RXNORM, "745679", "Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", null, 0, 0, null));
    private static final List<String> FAMILY = List.of(
            "Smith",
            "Jansen",
            "Garcia",
            "Okafor",
            "Nguyen",
            "Müller",
            "Rossi",
            "Kowalski",
            "Haddad",
            "Tanaka",
            "Silva",
            "Dubois");
    private static final List<String> GIVEN = List.of(
            "Ada", "Ben", "Chloe", "Daan", "Emma", "Femi", "Grace", "Hugo", "Iris", "Jonas", "Kai", "Lena", "Milan",
            "Noor", "Olga", "Pieter");

    public SyntheticData {
        transactions = List.copyOf(transactions);
    }

    public static SyntheticData generate(int patients, long seed) {
        if (patients < 1) {
            throw new IllegalArgumentException("need at least one patient, got " + patients);
        }
        Random random = new Random(seed);
        List<Bundle> transactions = new ArrayList<>();

        List<Resource> directory = new ArrayList<>();
        for (int o = 1; o <= ORGANIZATIONS; o++) {
            directory.add(organization(o));
        }
        for (int p = 1; p <= PRACTITIONERS; p++) {
            directory.add(practitioner(p, random));
        }
        transactions.add(transaction(directory));

        List<Resource> batch = new ArrayList<>();
        for (int n = 1; n <= patients; n++) {
            batch.addAll(patientRecord(n, random));
            if (n % PATIENTS_PER_TRANSACTION == 0 || n == patients) {
                transactions.add(transaction(batch));
                batch = new ArrayList<>();
            }
        }

        List<Resource> groups = new ArrayList<>();
        Group small = group(SMALL_GROUP, "First patients");
        for (int n = 1; n <= Math.min(SMALL_GROUP_SIZE, patients); n++) {
            small.addMember().setEntity(new Reference(patientId(n)));
        }
        groups.add(small);
        Group cohort = group(COHORT_GROUP, "Random cohort");
        for (int n = 1; n <= patients; n++) {
            if (random.nextBoolean()) {
                cohort.addMember().setEntity(new Reference(patientId(n)));
            }
        }
        if (cohort.getMember().isEmpty()) {
            cohort.addMember().setEntity(new Reference(patientId(1)));
        }
        cohort.setQuantity(cohort.getMember().size());
        small.setQuantity(small.getMember().size());
        groups.add(cohort);
        transactions.add(transaction(groups));
        return new SyntheticData(transactions);
    }

    /** Number of resources per type that loading this data stores. */
    public SeedCounts counts() {
        Map<String, Integer> counts = new HashMap<>();
        transactions.forEach(
                b -> b.getEntry().forEach(e -> counts.merge(e.getResource().fhirType(), 1, Integer::sum)));
        return new SeedCounts(counts);
    }

    /** Ids (without type) of the patients in Group {@code groupId}. */
    public List<String> groupMembers(String groupId) {
        Bundle last = transactions.get(transactions.size() - 1);
        return last.getEntry().stream()
                .map(e -> (Group) e.getResource())
                .filter(g -> g.getIdElement().getIdPart().equals(groupId))
                .flatMap(g -> g.getMember().stream())
                .map(m -> m.getEntity().getReferenceElement().getIdPart())
                .toList();
    }

    static String patientId(int n) {
        return "Patient/" + String.format("pt-%05d", n);
    }

    private static List<Resource> patientRecord(int n, Random random) {
        List<Resource> out = new ArrayList<>();
        String key = String.format("%05d", n);
        String organization = "Organization/" + String.format("org-%04d", 1 + random.nextInt(ORGANIZATIONS));
        String gp = "Practitioner/" + String.format("pr-%04d", 1 + random.nextInt(PRACTITIONERS));

        Patient patient = new Patient();
        patient.setId("pt-" + key);
        patient.addIdentifier(
                new Identifier().setSystem("urn:fhirpipe:synthetic:mrn").setValue("MRN" + key));
        patient.addName(new HumanName().setFamily(pick(FAMILY, random)).addGiven(pick(GIVEN, random)));
        patient.setGender(random.nextBoolean() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
        patient.setBirthDateElement(
                new DateType(FIRST_BIRTH.plusDays(random.nextInt(75 * 365)).toString()));
        patient.setManagingOrganization(new Reference(organization));
        patient.addGeneralPractitioner(new Reference(gp));
        out.add(patient);
        Reference subject = new Reference(patientId(n));

        int encounters = 1 + random.nextInt(3);
        int observationIndex = 0;
        List<LocalDateTime> visits = new ArrayList<>();
        for (int e = 0; e < encounters; e++) {
            LocalDateTime start = FIRST_ENCOUNTER.plusHours(random.nextInt(10 * 365 * 24));
            visits.add(start);
            Encounter encounter = new Encounter();
            encounter.setId("enc-" + key + "-" + e);
            encounter.setStatus(Encounter.EncounterStatus.FINISHED);
            encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
            encounter.setSubject(subject);
            encounter.addParticipant().setIndividual(new Reference(gp));
            encounter.setServiceProvider(new Reference(organization));
            encounter.setPeriod(new Period()
                    .setStartElement(dateTime(start))
                    .setEndElement(dateTime(start.plusMinutes(15 + random.nextInt(120)))));
            out.add(encounter);

            int observations = 2 + random.nextInt(3);
            for (int o = 0; o < observations; o++) {
                Code code = pick(OBSERVATIONS, random);
                Observation observation = new Observation();
                observation.setId("obs-" + key + "-" + observationIndex++);
                observation.setStatus(Observation.ObservationStatus.FINAL);
                observation.addCategory(concept(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        code.category(),
                        code.category()));
                observation.setCode(concept(code.system(), code.code(), code.display()));
                observation.setSubject(subject);
                observation.setEncounter(
                        new Reference("Encounter/" + encounter.getIdElement().getIdPart()));
                observation.setEffective(dateTime(start.plusMinutes(o * 5L)));
                double value = code.low() + random.nextDouble() * (code.high() - code.low());
                observation.setValue(new Quantity()
                        .setValue(Math.round(value * 10) / 10.0)
                        .setUnit(code.unit())
                        .setSystem("http://unitsofmeasure.org")
                        .setCode(code.unit()));
                out.add(observation);
            }
        }

        int conditions = random.nextInt(3);
        for (int c = 0; c < conditions; c++) {
            Code code = CONDITIONS.get((n + c) % CONDITIONS.size());
            Condition condition = new Condition();
            condition.setId("cond-" + key + "-" + c);
            condition.setClinicalStatus(
                    concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"));
            condition.setCode(concept(code.system(), code.code(), code.display()));
            condition.setSubject(subject);
            condition.setEncounter(new Reference("Encounter/enc-" + key + "-0"));
            condition.setOnset(new DateTimeType(
                    visits.get(0).toLocalDate().minusDays(random.nextInt(2000)).toString()));
            out.add(condition);
        }

        int medications = random.nextInt(3);
        for (int m = 0; m < medications; m++) {
            Code code = MEDICATIONS.get((n + 2 * m) % MEDICATIONS.size());
            MedicationRequest request = new MedicationRequest();
            request.setId("medreq-" + key + "-" + m);
            request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
            request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
            request.setMedication(concept(code.system(), code.code(), code.display()));
            request.setSubject(subject);
            request.setEncounter(new Reference("Encounter/enc-" + key + "-0"));
            request.setRequester(new Reference(gp));
            request.setAuthoredOnElement(dateTime(visits.get(0)));
            out.add(request);
        }
        return out;
    }

    private static Organization organization(int n) {
        Organization organization = new Organization();
        organization.setId(String.format("org-%04d", n));
        organization.setName("Synthetic Health Centre " + n);
        organization.addIdentifier(
                new Identifier().setSystem("urn:fhirpipe:synthetic:org").setValue("ORG" + n));
        organization.setActive(true);
        return organization;
    }

    private static Practitioner practitioner(int n, Random random) {
        Practitioner practitioner = new Practitioner();
        practitioner.setId(String.format("pr-%04d", n));
        practitioner.addName(new HumanName()
                .setFamily(pick(FAMILY, random))
                .addGiven(pick(GIVEN, random))
                .addPrefix("Dr."));
        practitioner.setActive(true);
        return practitioner;
    }

    private static Group group(String id, String name) {
        Group group = new Group();
        group.setId(id);
        group.setName(name);
        group.setType(Group.GroupType.PERSON);
        group.setActual(true);
        return group;
    }

    private static Bundle transaction(List<Resource> resources) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : resources) {
            String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            bundle.addEntry()
                    .setFullUrl(url)
                    .setResource(resource)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(url);
        }
        return bundle;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept().addCoding(new Coding(system, code, display));
    }

    // From text, not java.util.Date: a Date would be rendered in the JVM's default time zone.
    private static DateTimeType dateTime(LocalDateTime at) {
        return new DateTimeType(at.format(DATE_TIME) + "Z");
    }

    private static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }
}
