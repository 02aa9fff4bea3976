package io.fhirpipe.model.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.model.validation.InvalidMessageException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns CloudEvents into JSON and back. Decoding checks the document against the JSON Schema of
 * its type before any field is read, so a bad message fails with field-level errors instead of a
 * half-initialised record.
 */
public final class MessageCodec {

    private static final ObjectMapper MAPPER = Json.mapper();

    private MessageCodec() {}

    public static String encode(CloudEvent<?> event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.type() + " " + event.id(), e);
        }
    }

    /** Decodes a message whose type must be one of {@code expected} (the types a topic carries). */
    public static CloudEvent<EventData> decode(String body, MessageType... expected) {
        JsonNode tree = parse(body);
        MessageType type = typeOf(tree);
        if (expected.length > 0 && Arrays.stream(expected).noneMatch(type::equals)) {
            throw new InvalidMessageException(
                    "type",
                    "is '" + type.cloudEventType() + "', expected "
                            + Arrays.stream(expected)
                                    .map(MessageType::cloudEventType)
                                    .collect(Collectors.joining(" or ")));
        }
        return decodeTree(type, tree);
    }

    /** Decodes a message that must carry {@code dataClass}. */
    @SuppressWarnings("unchecked")
    public static <T extends EventData> CloudEvent<T> decode(String body, MessageType expected, Class<T> dataClass) {
        if (!expected.dataClass().equals(dataClass)) {
            throw new IllegalArgumentException(
                    expected + " carries " + expected.dataClass().getSimpleName());
        }
        return (CloudEvent<T>) (CloudEvent<?>) decode(body, expected);
    }

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidMessageException("(message)", "the body is empty; expected a CloudEvents JSON document");
        }
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new InvalidMessageException("(message)", "the body is not a JSON object");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("(message)", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static MessageType typeOf(JsonNode tree) {
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidMessageException(
                    "type",
                    "is required (a fhirpipe CloudEvent type such as " + MessageType.EXPORT_REQUESTED.cloudEventType()
                            + ")");
        }
        return MessageType.fromCloudEventType(type.asText())
                .orElseThrow(() ->
                        new InvalidMessageException("type", "'" + type.asText() + "' is not a fhirpipe message type"));
    }

    private static CloudEvent<EventData> decodeTree(MessageType type, JsonNode tree) {
        List<FieldError> errors = MessageSchemas.validate(type, tree);
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
        JavaType javaType = MAPPER.getTypeFactory().constructParametricType(CloudEvent.class, type.dataClass());
        try {
            return MAPPER.convertValue(tree, javaType);
        } catch (IllegalArgumentException e) {
            // The schema should have caught this; report it as a field error rather than a crash.
            throw new InvalidMessageException(
                    "data", "cannot be read as " + type.dataClass().getSimpleName() + ": " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
