package io.fhirpipe.model.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.events.EventData;
import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode: the body of every fhirpipe message.
 *
 * @param source URI reference of the producer, e.g. {@code /fhirpipe/export-trigger}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent<T extends EventData>(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(data, "data");
    }

    /**
     * Wraps data in an envelope whose id is derived from the message type and the data's identity,
     * so publishing the same logical event twice yields the same id.
     */
    public static <T extends EventData> CloudEvent<T> of(MessageType type, String source, T data, Instant time) {
        if (!type.dataClass().isInstance(data)) {
            throw new IllegalArgumentException(
                    type + " carries " + type.dataClass().getSimpleName() + ", not "
                            + data.getClass().getSimpleName());
        }
        return new CloudEvent<>(
                SPEC_VERSION, EventIds.of(type, data), source, type.cloudEventType(), data.subject(), time, JSON, data);
    }

    public MessageType messageType() {
        return MessageType.fromCloudEventType(type)
                .orElseThrow(() -> new IllegalStateException("unknown CloudEvent type " + type));
    }
}
