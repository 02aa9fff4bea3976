package io.fhirpipe.runtime.servicebus.implementation;

import com.azure.core.amqp.models.AmqpMessageBody;
import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.fhirpipe.model.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link ServiceBusTransport} on azure-messaging-servicebus. Every sender and processor is built from
 * one {@link ServiceBusClientBuilder}, so they share one AMQP connection (the emulator allows ten per
 * namespace). The SDK does the rest: CBS token exchange for Entra ID, reconnection and retries with
 * backoff on lost connections and throttling ({@code ServerBusy}), lock renewal while a processor
 * callback runs.
 */
public final class SdkServiceBusTransport implements ServiceBusTransport {

    private final ServiceBusClientBuilder builder;
    private final Map<String, Sender> senders = new ConcurrentHashMap<>();
    private final List<ServiceBusProcessorClient> processors = new CopyOnWriteArrayList<>();

    private SdkServiceBusTransport(ServiceBusClientBuilder builder) {
        this.builder = builder;
    }

    /** One AMQP connection for all the service's senders and processors, from a configured builder. */
    public static SdkServiceBusTransport connect(ServiceBusClientBuilder builder) {
        return new SdkServiceBusTransport(builder);
    }

    @Override
    public TransportSender sender(String entity) {
        return senders.computeIfAbsent(entity, e -> {
            ServiceBusClientBuilder.ServiceBusSenderClientBuilder sender = builder.sender();
            // The entity kind only matters to the SDK's tracing; a topic's dead-letter address is a queue.
            if (e.endsWith(Topology.DEAD_LETTER_SUFFIX)) {
                sender.queueName(e);
            } else {
                sender.topicName(e);
            }
            return new Sender(sender.buildAsyncClient());
        });
    }

    @Override
    public TransportProcessor processor(
            ProcessorSettings settings, Consumer<ReceivedDelivery> onMessage, Consumer<TransportError> onError) {
        ServiceBusProcessorClient client = builder.processor()
                .topicName(settings.topic())
                .subscriptionName(settings.subscription())
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .prefetchCount(settings.prefetch())
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxAutoLockRenewDuration(settings.maxAutoLockRenew())
                .disableAutoComplete()
                .processMessage(context -> onMessage.accept(new Delivery(context)))
                .processError(context -> onError.accept(error(context)))
                .buildProcessorClient();
        processors.add(client);
        return new TransportProcessor() {
            @Override
            public void start() {
                client.start();
            }

            @Override
            public void close() {
                processors.remove(client);
                client.close();
            }
        };
    }

    @Override
    public void close() {
        processors.forEach(ServiceBusProcessorClient::close);
        processors.clear();
        senders.values().forEach(s -> s.client.close());
        senders.clear();
    }

    private static TransportError error(ServiceBusErrorContext context) {
        Throwable exception = context.getException();
        boolean transientFailure = !(exception instanceof ServiceBusException sb) || sb.isTransient();
        return new TransportError(
                context.getEntityPath(), String.valueOf(context.getErrorSource()), transientFailure, exception);
    }

    static ServiceBusMessage toSdk(OutgoingServiceBusMessage message) {
        ServiceBusMessage sdk = new ServiceBusMessage(BinaryData.fromBytes(message.body()));
        if (message.messageId() != null) {
            sdk.setMessageId(message.messageId());
        }
        if (message.contentType() != null) {
            sdk.setContentType(message.contentType());
        }
        if (message.subject() != null) {
            sdk.setSubject(message.subject());
        }
        if (message.correlationId() != null) {
            sdk.setCorrelationId(message.correlationId());
        }
        sdk.getApplicationProperties().putAll(message.applicationProperties());
        return sdk;
    }

    private record Sender(ServiceBusSenderAsyncClient client) implements TransportSender {

        @Override
        public CompletionStage<Void> send(OutgoingServiceBusMessage message) {
            return client.sendMessage(toSdk(message)).toFuture();
        }

        @Override
        public CompletionStage<Long> schedule(OutgoingServiceBusMessage message, Instant enqueueAt) {
            return client.scheduleMessage(toSdk(message), enqueueAt.atOffset(ZoneOffset.UTC))
                    .toFuture();
        }

        @Override
        public CompletionStage<Void> cancelScheduled(long sequenceNumber) {
            return client.cancelScheduledMessage(sequenceNumber).toFuture();
        }
    }

    /** A received message; the SDK's settlement calls block until Service Bus answers. */
    private record Delivery(ServiceBusReceivedMessageContext context) implements ReceivedDelivery {

        private ServiceBusReceivedMessage message() {
            return context.getMessage();
        }

        @Override
        public String messageId() {
            return message().getMessageId();
        }

        @Override
        public byte[] body() {
            AmqpMessageBody body = message().getRawAmqpMessage().getBody();
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

        @Override
        public String contentType() {
            return message().getContentType();
        }

        @Override
        public String subject() {
            return message().getSubject();
        }

        @Override
        public String correlationId() {
            return message().getCorrelationId();
        }

        @Override
        public Map<String, Object> applicationProperties() {
            return message().getApplicationProperties();
        }

        @Override
        public long deliveryCount() {
            // The Java SDK passes the AMQP header's count through: 0 on the first delivery (.NET adds 1).
            return message().getDeliveryCount();
        }

        @Override
        public long sequenceNumber() {
            return message().getSequenceNumber();
        }

        @Override
        public Instant enqueuedTime() {
            return message().getEnqueuedTime() == null
                    ? null
                    : message().getEnqueuedTime().toInstant();
        }

        @Override
        public void complete() {
            context.complete();
        }

        @Override
        public void abandon() {
            context.abandon();
        }

        @Override
        public void deadLetter(String reason, String description) {
            context.deadLetter(
                    new DeadLetterOptions().setDeadLetterReason(reason).setDeadLetterErrorDescription(description));
        }
    }
}
