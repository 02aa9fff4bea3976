package io.fhirpipe.model.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fhirpipe.model.validation.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The JSON Schemas of all message types, loaded once from {@code /schemas/} on the classpath. */
public final class MessageSchemas {

    private static final Map<MessageType, JsonSchema> SCHEMAS = load();

    private MessageSchemas() {}

    /** Validates a whole CloudEvent document against the schema of its type; empty when valid. */
    public static List<FieldError> validate(MessageType type, JsonNode event) {
        return SCHEMAS.get(type).validate(event).stream()
                .map(MessageSchemas::toFieldError)
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::problem))
                .toList();
    }

    private static FieldError toFieldError(ValidationMessage message) {
        String field = dotted(message.getInstanceLocation());
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            field = field.isEmpty() ? message.getProperty() : field + "." + message.getProperty();
            return new FieldError(field, "is required");
        }
        String text = message.getMessage();
        // networknt prefixes its messages with the instance path; the field already says it.
        int colon = text.indexOf(": ");
        if (colon > 0 && (text.startsWith("$") || text.startsWith("/"))) {
            text = text.substring(colon + 2);
        }
        return new FieldError(field.isEmpty() ? "(message)" : field, text);
    }

    /** {@code data.types[1]}: how people write field paths, whatever path style the validator uses. */
    private static String dotted(JsonNodePath location) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Number index) {
                field.append('[').append(index).append(']');
            } else {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(element);
            }
        }
        return field.toString();
    }

    private static Map<MessageType, JsonSchema> load() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<MessageType, JsonSchema> schemas = new EnumMap<>(MessageType.class);
        for (MessageType type : MessageType.values()) {
            try (InputStream in = MessageSchemas.class.getResourceAsStream(type.schemaResource())) {
                if (in == null) {
                    throw new IllegalStateException("missing JSON Schema " + type.schemaResource() + " for " + type);
                }
                schemas.put(type, factory.getSchema(in, config));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + type.schemaResource(), e);
            }
        }
        return schemas;
    }
}
