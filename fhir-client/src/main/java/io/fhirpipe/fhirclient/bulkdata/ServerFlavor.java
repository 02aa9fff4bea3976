package io.fhirpipe.fhirclient.bulkdata;

import java.util.Locale;

/** Where FHIR servers differ from the Bulk Data IG in what the trigger sends. */
public enum ServerFlavor {
    /** The Bulk Data IG as written (HAPI FHIR, most servers). */
    STANDARD("_until"),
    /** Azure Health Data Services FHIR service: {@code _till} instead of {@code _until}. */
    AZURE("_till");

    private final String untilParameter;

    ServerFlavor(String untilParameter) {
        this.untilParameter = untilParameter;
    }

    public String untilParameter() {
        return untilParameter;
    }

    public static ServerFlavor fromConfig(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "standard" -> STANDARD;
            case "azure" -> AZURE;
            default ->
                throw new IllegalArgumentException(
                        "unknown FHIR server flavor '" + value + "' (expected standard or azure)");
        };
    }
}
