package io.fhirpipe.testsupport.broker;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * A message as a test consumer saw it.
 *
 * @param messageId             the AMQP message id as text, or null
 * @param body                  the body as text: an AMQP value string as is, a data section or
 *                              binary value decoded as UTF-8 (how a JSON payload may arrive)
 * @param applicationProperties the application properties (keys and values as sent)
 * @param messageAnnotations    the message annotations, keys as text
 * @param deliveryCount         the AMQP header delivery-count: how many earlier deliveries failed
 * @param durable               the AMQP header durable flag
 * @param contentType           the AMQP content type, or null
 * @param subject               the AMQP subject, or null
 */
public record ReceivedMessage(
        String messageId,
        String body,
        Map<String, Object> applicationProperties,
        Map<String, Object> messageAnnotations,
        int deliveryCount,
        boolean durable,
        String contentType,
        String subject) {

    public ReceivedMessage {
        applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(applicationProperties));
        messageAnnotations = Collections.unmodifiableMap(new LinkedHashMap<>(messageAnnotations));
    }

    /** An application property, or null if absent. */
    public Object property(String name) {
        return applicationProperties.get(name);
    }

    static ReceivedMessage of(Message message) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (message.getApplicationProperties() != null
                && message.getApplicationProperties().getValue() != null) {
            message.getApplicationProperties().getValue().forEach((k, v) -> properties.put(k, plain(v)));
        }
        Map<String, Object> annotations = new LinkedHashMap<>();
        if (message.getMessageAnnotations() != null
                && message.getMessageAnnotations().getValue() != null) {
            message.getMessageAnnotations().getValue().forEach((k, v) -> annotations.put(k.toString(), plain(v)));
        }
        int deliveryCount = message.getHeader() == null || message.getHeader().getDeliveryCount() == null
                ? 0
                : message.getHeader().getDeliveryCount().intValue();
        Object id = message.getMessageId();
        return new ReceivedMessage(
                id == null ? null : id.toString(),
                text(message.getBody()),
                properties,
                annotations,
                deliveryCount,
                message.isDurable(),
                message.getContentType(),
                message.getSubject());
    }

    private static String text(Section body) {
        if (body == null) {
            return null;
        }
        if (body instanceof Data data) {
            return utf8(data.getValue());
        }
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v instanceof Binary binary) {
                return utf8(binary);
            }
            return v == null ? null : v.toString();
        }
        if (body instanceof AmqpSequence sequence) {
            return String.valueOf(sequence.getValue());
        }
        return body.toString();
    }

    private static String utf8(Binary binary) {
        return binary == null
                ? null
                : new String(binary.getArray(), binary.getArrayOffset(), binary.getLength(), StandardCharsets.UTF_8);
    }

    // Symbols are an AMQP encoding detail; tests compare against plain strings.
    private static Object plain(Object value) {
        return value instanceof Symbol symbol ? symbol.toString() : value;
    }
}
