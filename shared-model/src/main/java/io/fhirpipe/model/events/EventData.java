package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The {@code data} of a fhirpipe CloudEvent. Each record says which of its fields identify the
 * logical event, so the envelope id can be derived from them: the same logical event always gets
 * the same id, which lets Service Bus duplicate detection and the loader's ledger drop repeats.
 */
public interface EventData {

    String exportId();

    /** The values that make this event unique within its type, in a fixed order. */
    @JsonIgnore
    List<String> identity();

    /** The CloudEvents {@code subject}: the resource type where there is one. */
    @JsonIgnore
    default String subject() {
        return null;
    }
}
