package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which manifest array a file came from. */
public enum FileKind {
    OUTPUT,
    DELETED,
    ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static FileKind fromWireName(String value) {
        for (FileKind kind : values()) {
            if (kind.wireName().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown file kind '" + value + "' (expected output, deleted or error)");
    }
}
