package io.fhirpipe.model.validation;

import java.util.List;
import java.util.stream.Collectors;

/** A message or request that can never be processed: every field error is listed. */
public class InvalidMessageException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidMessageException(List<FieldError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidMessageException(String field, String problem) {
        this(List.of(new FieldError(field, problem)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid message has at least one error");
        }
        return "invalid message: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }
}
