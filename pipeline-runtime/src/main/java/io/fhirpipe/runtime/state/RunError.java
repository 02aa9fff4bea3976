package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Why a run failed, with what the FHIR server said. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RunError(String stage, String reason, Integer httpStatus, List<String> diagnostics) {
    public RunError {
        diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
    }
}
