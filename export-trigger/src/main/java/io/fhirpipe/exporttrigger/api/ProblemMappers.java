package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.runtime.logging.LogValues;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every 4xx the REST layer answers on its own (no such path, wrong method, an Accept or
 * Content-Type it cannot serve, a body it cannot read) is a {@link Problem} like the ones the
 * resources answer themselves.
 */
class ProblemMappers {

    @ServerExceptionMapper
    Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status < 400 || status >= 500) {
            return e.getResponse();
        }
        return forStatus(status).toResponse();
    }

    @ServerExceptionMapper
    Response unreadableJson(JsonProcessingException e) {
        return Problem.invalidRequest(
                        List.of(new FieldError("(body)", "is not JSON: " + LogValues.escaped(e.getOriginalMessage()))))
                .toResponse();
    }

    static Problem forStatus(int status) {
        return switch (status) {
            case 404 -> Problem.of("not-found", "Not found", 404, "there is no such resource");
            case 405 ->
                Problem.of(
                        "method-not-allowed", "Method not allowed", 405, "the resource does not support this method");
            case 406 ->
                Problem.of(
                        "not-acceptable",
                        "Not acceptable",
                        406,
                        "the resource answers application/json or application/problem+json only");
            case 411 -> Problem.of("length-required", "Length required", 411, "a request body needs a Content-Length");
            case 413 -> Problem.of("payload-too-large", "Payload too large", 413, "the request body is too large");
            case 415 ->
                Problem.of(
                        "unsupported-media-type",
                        "Unsupported media type",
                        415,
                        "the request body must be application/json");
            default ->
                Problem.of(
                        "client-error", "Client error", status, "the request cannot be served (HTTP " + status + ")");
        };
    }
}
