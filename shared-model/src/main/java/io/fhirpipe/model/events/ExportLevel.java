package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The Bulk Data export levels: {@code [base]/$export}, {@code [base]/Patient/$export}, {@code [base]/Group/[id]/$export}. */
public enum ExportLevel {
    SYSTEM,
    PATIENT,
    GROUP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ExportLevel fromWireName(String value) {
        for (ExportLevel level : values()) {
            if (level.wireName().equals(value)) {
                return level;
            }
        }
        throw new IllegalArgumentException("unknown export level '" + value + "' (expected system, patient or group)");
    }
}
