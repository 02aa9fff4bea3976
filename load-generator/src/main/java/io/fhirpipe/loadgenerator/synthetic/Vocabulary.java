package io.fhirpipe.loadgenerator.synthetic;

/** Real code systems and codes, so the typed views and sample queries have something meaningful to group by. */
final class Vocabulary {

    private Vocabulary() {}

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String CVX = "http://hl7.org/fhir/sid/cvx";
    static final String UCUM = "http://unitsofmeasure.org";

    /** A coded value: code, display and, for quantities, unit and the range in tenths. */
    record Code(String code, String display, String unit, int lowTenths, int highTenths) {
        Code(String code, String display) {
            this(code, display, null, 0, 0);
        }
    }

    static final Code[] VITALS = {
        new Code("8867-4", "Heart rate", "/min", 500, 1200),
        new Code("9279-1", "Respiratory rate", "/min", 100, 250),
        new Code("8310-5", "Body temperature", "Cel", 355, 395),
        new Code("29463-7", "Body weight", "kg", 450, 1300),
        new Code("8302-2", "Body height", "cm", 1500, 2000),
        new Code("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 170, 400),
        new Code("2708-6", "Oxygen saturation in Arterial blood", "%", 880, 1000),
    };
    static final Code[] LABS = {
        new Code("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 100, 180),
        new Code("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 700, 2200),
        new Code("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 1400, 2900),
        new Code("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 5, 20),
        new Code("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 35, 120),
        new Code("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 45, 110),
    };
    static final Code BLOOD_PRESSURE = new Code("85354-9", "Blood pressure panel with all children optional");
    static final Code SYSTOLIC = new Code("8480-6", "Systolic blood pressure", "mm[Hg]", 1000, 1800);
    static final Code DIASTOLIC = new Code("8462-4", "Diastolic blood pressure", "mm[Hg]", 600, 1100);
    static final Code SMOKING = new Code("72166-2", "Tobacco smoking status");
    static final Code[] SMOKING_ANSWERS = {
        new Code("266919005", "Never smoked tobacco"),
        new Code("8517006", "Ex-smoker"),
        new Code("449868002", "Smokes tobacco daily"),
    };
    static final Code[] CONDITIONS = {
        new Code("44054006", "Diabetes mellitus type 2"), new Code("38341003", "Hypertensive disorder"),
        new Code("195662009", "Acute viral pharyngitis"), new Code("10509002", "Acute bronchitis"),
        new Code("55822004", "Hyperlipidemia"), new Code("40055000", "Chronic sinusitis"),
        new Code("233678006", "Childhood asthma"), new Code("15777000", "Prediabetes"),
        new Code("444814009", "Viral sinusitis"), new Code("162864005", "Body mass index 30+ - obesity"),
    };
    static final Code[] PROCEDURES = {
        new Code("430193006", "Medication reconciliation"),
                new Code("710824005", "Assessment of health and social care needs"),
        new Code("171207006", "Depression screening"), new Code("73761001", "Colonoscopy"),
        new Code("117015009", "Throat culture"), new Code("76601001", "Intramuscular injection"),
    };
    static final Code[] MEDICATIONS = {
        new Code("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
        new Code("314076", "lisinopril 10 MG Oral Tablet"),
        new Code("197361", "amlodipine 5 MG Oral Tablet"),
        new Code("308182", "Amoxicillin 250 MG Oral Capsule"),
        new Code("313782", "Acetaminophen 325 MG Oral Tablet"),
        new Code("259255", "atorvastatin 80 MG Oral Tablet"),
    };
    static final Code[] VACCINES = {
        new Code("140", "Influenza, seasonal, injectable, preservative free"),
                new Code("113", "Td (adult) preservative free"),
        new Code("133", "Pneumococcal conjugate PCV 13"), new Code("208", "SARS-COV-2 (COVID-19) vaccine, mRNA"),
        new Code("62", "HPV, quadrivalent"),
    };
    static final Code[] ALLERGIES = {
        new Code("300916003", "Latex allergy"), new Code("91936005", "Allergy to penicillin"),
        new Code("417532002", "Allergy to fish"), new Code("232347008", "Dander (animal) allergy"),
        new Code("419474003", "Allergy to mould"),
    };
    static final Code[] REACTIONS = {
        new Code("247472004", "Wheal"),
        new Code("271807003", "Eruption of skin"),
        new Code("878820003", "Rhinoconjunctivitis"),
    };
    static final Code[] ENCOUNTER_TYPES = {
        new Code("185349003", "Encounter for check up (procedure)"), new Code("50849002", "Emergency room admission"),
        new Code("410620009", "Well child visit (procedure)"), new Code("185345009", "Encounter for symptom"),
    };
    static final Code[] ENCOUNTER_CLASSES = {
        new Code("AMB", "ambulatory"), new Code("EMER", "emergency"), new Code("IMP", "inpatient encounter"),
    };
    static final Code[] REPORTS = {
        new Code("58410-2", "CBC panel - Blood by Automated count"),
        new Code("51990-0", "Basic metabolic panel - Blood"),
        new Code("57698-3", "Lipid panel with direct LDL - Serum or Plasma"),
    };
    static final Code[] DOCUMENTS = {
        new Code("34117-2", "History and physical note"),
        new Code("11506-3", "Progress note"),
        new Code("18842-5", "Discharge summary"),
    };
    static final Code[] SPECIALTIES = {
        new Code("208D00000X", "General Practice"), new Code("207R00000X", "Internal Medicine"),
        new Code("208000000X", "Pediatrics"), new Code("207P00000X", "Emergency Medicine"),
    };
    static final Code[] RACES = {
        new Code("2106-3", "White"),
        new Code("2054-5", "Black or African American"),
        new Code("2028-9", "Asian"),
        new Code("1002-5", "American Indian or Alaska Native"),
        new Code("2076-8", "Native Hawaiian or Other Pacific Islander"),
    };
    static final Code[] ETHNICITIES = {
        new Code("2186-5", "Not Hispanic or Latino"), new Code("2135-2", "Hispanic or Latino"),
    };
    static final Code[] LANGUAGES = {
        new Code("en-US", "English (United States)"),
        new Code("es", "Spanish"),
        new Code("zh", "Chinese"),
        new Code("vi", "Vietnamese"),
    };
    static final Code[] MARITAL = {
        new Code("M", "Married"), new Code("S", "Never Married"), new Code("D", "Divorced"), new Code("W", "Widowed"),
    };

    static final String[] FAMILY = {
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "García",
        "Miller",
        "Davis",
        "Rodríguez",
        "Martinez",
        "Hernández",
        "Lopez",
        "Nguyen",
        "O'Brien",
        "Kowalski",
        "Müller",
        "Schmidt",
        "Kim"
    };
    static final String[] GIVEN_FEMALE = {
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Ana", "Chloé", "Mei", "Aisha", "Zoë"
    };
    static final String[] GIVEN_MALE = {
        "James", "Robert", "John", "Michael", "David", "José", "Wei", "Omar", "Jürgen", "Liam"
    };
    static final String[] CITIES = {
        "Boston",
        "Springfield",
        "Worcester",
        "Cambridge",
        "Lowell",
        "Brockton",
        "New Bedford",
        "Quincy",
        "Lynn",
        "Newton"
    };
    static final String[] STREETS = {
        "Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Washington Blvd"
    };
    static final String[] ORGANIZATION_WORDS = {
        "General", "Community", "Memorial", "Regional", "Saint Mary's", "University", "Valley", "Riverside"
    };
}
