package io.fhirpipe.model.validation;

import java.util.Objects;

/**
 * One problem with one field of a message or request.
 *
 * @param field JSON path of the field, e.g. {@code data.types[2]} (no leading {@code $.})
 * @param problem what is wrong with it, in words a person can act on
 */
public record FieldError(String field, String problem) {

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
        return field + ": " + problem;
    }
}
