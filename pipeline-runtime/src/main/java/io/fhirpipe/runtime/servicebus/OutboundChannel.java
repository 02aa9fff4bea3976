package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.runtime.messaging.BrokerKind;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import io.fhirpipe.runtime.servicebus.implementation.ServiceBusTransport;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.apache.qpid.proton.amqp.Symbol;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends a channel's messages to a topic (or queue). The services build their messages with SmallRye
 * AMQP's {@link OutgoingAmqpMetadata} (CloudEventPublisher, DeadLetterPublisher, raw Event Grid
 * events), so that is what is translated: message id (the CloudEvent id, Service Bus's duplicate
 * detection key), content type, subject, correlation id, application properties, and a scheduled
 * delivery annotation (either broker's spelling, {@link BrokerKind}) as a scheduled message. A
 * message names its own entity with an address, as on Artemis's anonymous sender. A message is
 * acked when Service Bus has taken it and nacked when it refused, which is what
 * {@link io.fhirpipe.runtime.messaging.BrokerConfirmation} waits for.
 */
final class OutboundChannel implements Flow.Subscriber<Message<?>> {

    private static final Logger LOG = Logger.getLogger(OutboundChannel.class);
    /** Sends in flight at once; the emitter buffers the rest. */
    static final int IN_FLIGHT = 64;

    private final String channel;
    private final String address;
    private final ServiceBusTransport transport;
    private volatile Flow.Subscription subscription;

    OutboundChannel(String channel, String address, ServiceBusTransport transport) {
        this.channel = channel;
        this.address = address;
        this.transport = transport;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(IN_FLIGHT);
    }

    @Override
    public void onNext(Message<?> message) {
        CompletionStage<?> sent;
        try {
            OutgoingAmqpMetadata metadata =
                    message.getMetadata(OutgoingAmqpMetadata.class).orElse(null);
            String entity = metadata != null && metadata.getAddress() != null ? metadata.getAddress() : address;
            OutgoingServiceBusMessage outgoing = translate(message.getPayload(), metadata);
            Instant deliverAt = deliverAt(metadata);
            sent = deliverAt == null
                    ? transport.sender(entity).send(outgoing)
                    : transport.sender(entity).schedule(outgoing, deliverAt);
        } catch (RuntimeException untranslatable) {
            message.nack(untranslatable);
            subscription.request(1);
            return;
        }
        sent.whenComplete((ignored, failure) -> {
            if (failure == null) {
                message.ack();
            } else {
                LOG.warnf("%s: Service Bus did not take a message: %s", channel, MessageSettlement.describe(failure));
                message.nack(failure);
            }
            subscription.request(1);
        });
    }

    @Override
    public void onError(Throwable failure) {
        LOG.errorf("%s: the outgoing stream failed: %s", channel, MessageSettlement.describe(failure));
    }

    @Override
    public void onComplete() {
        LOG.debugf("%s: the outgoing stream completed", channel);
    }

    static OutgoingServiceBusMessage translate(Object payload, OutgoingAmqpMetadata metadata) {
        byte[] body = payload instanceof byte[] bytes
                ? bytes
                : payload == null ? new byte[0] : String.valueOf(payload).getBytes(StandardCharsets.UTF_8);
        if (metadata == null) {
            return new OutgoingServiceBusMessage(null, body, null, null, null, Map.of());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        if (metadata.getProperties() != null) {
            metadata.getProperties().forEach(e -> {
                if (e.getValue() != null) {
                    properties.put(e.getKey(), e.getValue());
                }
            });
        }
        return new OutgoingServiceBusMessage(
                metadata.getMessageId(),
                body,
                metadata.getContentType(),
                metadata.getSubject(),
                metadata.getCorrelationId(),
                properties);
    }

    /** When the message is to be delivered, if it asked for later. */
    static Instant deliverAt(OutgoingAmqpMetadata metadata) {
        if (metadata == null
                || metadata.getMessageAnnotations() == null
                || metadata.getMessageAnnotations().getValue() == null) {
            return null;
        }
        Map<Symbol, Object> annotations = metadata.getMessageAnnotations().getValue();
        for (BrokerKind broker : BrokerKind.values()) {
            Object value = annotations.get(Symbol.valueOf(broker.scheduledDeliveryAnnotation()));
            if (value instanceof Date date) {
                return date.toInstant();
            }
            if (value instanceof Instant instant) {
                return instant;
            }
            if (value instanceof OffsetDateTime time) {
                return time.toInstant();
            }
            if (value instanceof Number epochMillis) {
                return Instant.ofEpochMilli(epochMillis.longValue());
            }
        }
        return null;
    }
}
