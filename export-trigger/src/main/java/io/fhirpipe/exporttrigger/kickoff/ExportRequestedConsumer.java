package io.fhirpipe.exporttrigger.kickoff;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.validation.ExportRequestValidator;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.model.validation.InvalidMessageException;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code export-requested}: messages from the REST API, from schedules and posted by hand
 * (replays) all take this one path, and are validated by the same rules as the REST API.
 */
@ApplicationScoped
class ExportRequestedConsumer {

    public static final String CHANNEL = "export-requested";

    @Inject
    ExportKickoff kickoff;

    @Inject
    ExportRequestValidator validator;

    @Inject
    MessageSettlement settlement;

    @Incoming(CHANNEL)
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try (MessageWork ignored = MessageWork.start(message, CHANNEL)) {
            return process(message);
        }
    }

    private CompletionStage<Void> process(Message<Object> message) {
        try {
            kickoff.handle(decode(IncomingBodies.text(message)));
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(message, failure);
        }
    }

    private ExportRequested decode(String body) {
        CloudEvent<ExportRequested> event =
                MessageCodec.decode(body, MessageType.EXPORT_REQUESTED, ExportRequested.class);
        JsonNode data = MessageCodec.parse(body).get("data");
        List<FieldError> errors = validator.validate(data, "data.");
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
        return event.data();
    }
}
