package io.fhirpipe.exporttrigger.deadletters;

import com.azure.core.amqp.models.AmqpMessageBody;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.servicebus.ServiceBusSettings;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DeadLetterEntities} on azure-messaging-servicebus: one client builder, so one AMQP connection,
 * for every receiver and sender made here (they are made on first use and kept).
 */
final class SdkDeadLetterEntities implements DeadLetterEntities {

    private final ServiceBusClientBuilder builder;
    private final Map<Entity, ServiceBusReceiverClient> receivers = new ConcurrentHashMap<>();
    private final Map<String, ServiceBusSenderClient> senders = new ConcurrentHashMap<>();

    SdkDeadLetterEntities(ServiceBusSettings settings) {
        this.builder = settings.clientBuilder();
    }

    @Override
    public List<Stored> peek(Entity entity, long fromSequenceNumber, int max) {
        List<Stored> peeked = new ArrayList<>();
        receiver(entity).peekMessages(max, fromSequenceNumber).forEach(m -> peeked.add(stored(m)));
        return peeked;
    }

    @Override
    public List<Locked> receive(Entity entity, int max, Duration wait) {
        ServiceBusReceiverClient receiver = receiver(entity);
        List<Locked> locked = new ArrayList<>();
        receiver.receiveMessages(max, wait).forEach(m -> {
            Stored stored = stored(m);
            locked.add(new Locked() {
                @Override
                public Stored message() {
                    return stored;
                }

                @Override
                public void complete() {
                    receiver.complete(m);
                }

                @Override
                public void abandon() {
                    receiver.abandon(m);
                }
            });
        });
        return locked;
    }

    @Override
    public void send(String topic, OutgoingServiceBusMessage message) {
        ServiceBusMessage sdk = new ServiceBusMessage(BinaryData.fromBytes(message.body()));
        sdk.setMessageId(message.messageId());
        sdk.setContentType(message.contentType());
        sdk.setSubject(message.subject());
        sdk.setCorrelationId(message.correlationId());
        sdk.getApplicationProperties().putAll(message.applicationProperties());
        senders.computeIfAbsent(topic, t -> builder.sender().topicName(t).buildClient())
                .sendMessage(sdk);
    }

    @Override
    public void close() {
        receivers.values().forEach(ServiceBusReceiverClient::close);
        receivers.clear();
        senders.values().forEach(ServiceBusSenderClient::close);
        senders.clear();
    }

    private ServiceBusReceiverClient receiver(Entity entity) {
        return receivers.computeIfAbsent(entity, e -> {
            ServiceBusClientBuilder.ServiceBusReceiverClientBuilder receiver = builder.receiver()
                    .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                    .prefetchCount(0)
                    .disableAutoComplete();
            if (e.subscription() == null) {
                receiver.queueName(Topology.deadLetterAddress(e.topic()));
            } else {
                receiver.topicName(e.topic()).subscriptionName(e.subscription()).subQueue(SubQueue.DEAD_LETTER_QUEUE);
            }
            return receiver.buildClient();
        });
    }

    private static Stored stored(ServiceBusReceivedMessage m) {
        return new Stored(
                m.getMessageId(),
                m.getSequenceNumber(),
                body(m),
                m.getContentType(),
                m.getSubject(),
                m.getCorrelationId(),
                m.getApplicationProperties(),
                m.getDeliveryCount(),
                m.getEnqueuedTime() == null ? null : m.getEnqueuedTime().toInstant(),
                m.getDeadLetterReason(),
                m.getDeadLetterErrorDescription(),
                m.getDeadLetterSource());
    }

    private static byte[] body(ServiceBusReceivedMessage m) {
        AmqpMessageBody body = m.getRawAmqpMessage().getBody();
        return switch (body.getBodyType()) {
            case DATA -> body.getFirstData();
            // a person may post an AMQP string from a console or another client
            case VALUE ->
                body.getValue() instanceof byte[] bytes
                        ? bytes
                        : String.valueOf(body.getValue()).getBytes(StandardCharsets.UTF_8);
            default -> String.valueOf(body.getSequence()).getBytes(StandardCharsets.UTF_8);
        };
    }
}
