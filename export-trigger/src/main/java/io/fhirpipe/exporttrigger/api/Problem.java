package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.validation.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An RFC 9457 problem details body, with the field errors when a request was invalid. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    public static Problem invalidRequest(List<FieldError> errors) {
        return new Problem(
                "urn:fhirpipe:problem:invalid-export-request",
                "Invalid export request",
                400,
                errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid",
                null,
                errors);
    }

    public static Problem of(String type, String title, int status, String detail) {
        return new Problem("urn:fhirpipe:problem:" + type, title, status, detail, null, List.of());
    }
}
