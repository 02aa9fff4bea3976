package io.fhirpipe.loadgenerator.synthetic;

import java.util.Arrays;
import java.util.Optional;

/**
 * The resource types the synthetic server holds, with how many of each there are per patient (a mix
 * like Synthea's: many observations, a few encounters and conditions per patient). Practitioners,
 * organizations and locations are shared, so they have small ratios and no owning patient.
 */
public enum SyntheticType {
    PATIENT("Patient", 1.0, true),
    ENCOUNTER("Encounter", 4.0, true),
    OBSERVATION("Observation", 16.0, true),
    CONDITION("Condition", 2.0, true),
    PROCEDURE("Procedure", 1.5, true),
    MEDICATION_REQUEST("MedicationRequest", 2.0, true),
    IMMUNIZATION("Immunization", 1.0, true),
    ALLERGY_INTOLERANCE("AllergyIntolerance", 0.3, true),
    DIAGNOSTIC_REPORT("DiagnosticReport", 1.0, true),
    DOCUMENT_REFERENCE("DocumentReference", 0.5, true),
    PRACTITIONER("Practitioner", 0.02, false),
    ORGANIZATION("Organization", 0.005, false),
    LOCATION("Location", 0.01, false);

    private final String resourceType;
    private final double perPatient;
    private final boolean patientCompartment;

    SyntheticType(String resourceType, double perPatient, boolean patientCompartment) {
        this.resourceType = resourceType;
        this.perPatient = perPatient;
        this.patientCompartment = patientCompartment;
    }

    public String resourceType() {
        return resourceType;
    }

    double perPatient() {
        return perPatient;
    }

    /** Exported by a patient- or group-level export (the Bulk Data IG: the Patient compartment). */
    public boolean patientCompartment() {
        return patientCompartment;
    }

    public static Optional<SyntheticType> of(String resourceType) {
        return Arrays.stream(values())
                .filter(t -> t.resourceType.equals(resourceType))
                .findFirst();
    }
}
