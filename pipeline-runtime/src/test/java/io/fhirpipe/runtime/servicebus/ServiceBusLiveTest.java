package io.fhirpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.SubQueue;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.servicebus.implementation.SdkServiceBusTransport;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector against a real namespace (Azure or the emulator). Skipped unless one of these is set:
 * <ul>
 *   <li>{@code FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE} ({@code <name>.servicebus.windows.net}, reached with
 *       DefaultAzureCredential; {@code FHIRPIPE_AZURE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID} optional), or</li>
 *   <li>{@code FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING}.</li>
 * </ul>
 * The namespace needs the topology's entities (deploy/servicebus/Config.json) and nobody else
 * receiving {@code FHIRPIPE_AZURE_SERVICEBUS_TOPIC} / {@code FHIRPIPE_AZURE_SERVICEBUS_SUBSCRIPTION}
 * (default export-loaded / observer, which the emulator's topology has and no service reads).
 * Dead letters are looked for in the subscription's dead-letter queue, or in
 * {@code FHIRPIPE_AZURE_SERVICEBUS_DEAD_LETTER_QUEUE} where the subscription forwards them
 * (the emulator's topology forwards to {@code <topic>.dead-letter}).
 */
class ServiceBusLiveTest {

    static ServiceBusSettings settings;
    static String topic;
    static String subscription;
    static ServiceBusConnector connector;
    static final BlockingQueue<Message<?>> received = new LinkedBlockingQueue<>();
    static Flow.Subscriber<Message<?>> sender;

    static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    static boolean configured() {
        return env("FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE").isPresent()
                || env("FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING").isPresent();
    }

    /** Each test reports itself skipped (not the class silently absent) when nothing is configured. */
    @BeforeEach
    void onlyWithANamespace() {
        assumeTrue(
                configured(), "no FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE or FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING");
    }

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void connect() {
        if (!configured()) {
            return;
        }
        settings = new ServiceBusSettings(
                env("FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE").orElse(null),
                env("FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING").orElse(null),
                env("FHIRPIPE_AZURE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID").orElse(null));
        topic = env("FHIRPIPE_AZURE_SERVICEBUS_TOPIC").orElse("export-loaded");
        subscription = env("FHIRPIPE_AZURE_SERVICEBUS_SUBSCRIPTION").orElse("observer");
        Topology topology = Topology.standard();
        if (topology.topic(topic).subscriptions().stream()
                .noneMatch(s -> s.name().equals(subscription))) {
            // a subscription outside the topology (such as the emulator's observer) gets the default limits
            topology = new Topology(java.util.List.of(new io.fhirpipe.model.topology.TopicDefinition(
                    topic,
                    java.util.List.of(new io.fhirpipe.model.topology.SubscriptionDefinition(
                            subscription,
                            Topology.DEFAULT_MAX_DELIVERY_COUNT,
                            Topology.DEFAULT_REDELIVERY_DELAY,
                            Topology.DEFAULT_MAX_REDELIVERY_DELAY)))));
        }
        connector = new ServiceBusConnector(
                () -> SdkServiceBusTransport.connect(settings.clientBuilder()), topology, Clock.systemUTC());
        drain();
        Flow.Publisher<Message<?>> publisher =
                (Flow.Publisher<Message<?>>) connector.getPublisher(ConnectorHarness.channel(
                        "live-in",
                        Map.of(
                                "address",
                                topic + "/Subscriptions/" + subscription,
                                "retry-min-delay",
                                "2s",
                                "retry-max-delay",
                                "4s",
                                "max-concurrent-calls",
                                "2")));
        Multi.createFrom().publisher(publisher).subscribe().with(received::add);
        sender = (Flow.Subscriber<Message<?>>)
                connector.getSubscriber(ConnectorHarness.channel("live-out", Map.of("address", topic)));
        sender.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
    }

    @AfterAll
    static void close() {
        if (connector != null) {
            connector.close();
        }
    }

    static ServiceBusClientBuilder builder() {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
        return settings.connectionString() != null
                ? builder.connectionString(settings.connectionString())
                : builder.credential(settings.namespace(), new DefaultAzureCredentialBuilder().build());
    }

    /** Leftovers of an earlier run would be taken for this run's messages. */
    static void drain() {
        try (ServiceBusReceiverClient receiver = builder()
                .receiver()
                .topicName(topic)
                .subscriptionName(subscription)
                .buildClient()) {
            receiver.receiveMessages(100, Duration.ofSeconds(3)).forEach(receiver::complete);
        }
    }

    static String send(Map<String, Object> properties) throws Exception {
        String id = "live-" + UUID.randomUUID();
        OutgoingAmqpMetadata.OutgoingAmqpMetadataBuilder metadata = OutgoingAmqpMetadata.builder()
                .withMessageId(id)
                .withContentType(MessageProperties.CONTENT_TYPE)
                .withSubject("Observation");
        properties.forEach(metadata::withApplicationProperty);
        CompletableFuture<Void> taken = new CompletableFuture<>();
        sender.onNext(Message.of(
                "{\"id\":\"" + id + "\"}",
                Metadata.of(metadata.build()),
                () -> {
                    taken.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    taken.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        taken.get(60, TimeUnit.SECONDS);
        return id;
    }

    static Message<?> receive(String originalId, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Message<?> m = received.poll(1, TimeUnit.SECONDS);
            if (m == null) {
                continue;
            }
            if (IncomingBodies.messageId(m).startsWith(originalId)) {
                return m;
            }
            m.ack();
        }
        throw new AssertionError("message " + originalId + " did not arrive within " + within);
    }

    @Test
    void sendReceiveRetryWithBackoffAndComplete() throws Exception {
        String id = send(Map.of(MessageProperties.RESOURCE_TYPE, "Observation", MessageProperties.EXPORT_ID, "x1"));
        Message<?> first = receive(id, Duration.ofSeconds(60));
        ServiceBusIncomingMetadata metadata =
                first.getMetadata(ServiceBusIncomingMetadata.class).orElseThrow();
        assertThat(metadata.messageId()).isEqualTo(id);
        assertThat(metadata.subject()).isEqualTo("Observation");
        assertThat(metadata.contentType()).isEqualTo(MessageProperties.CONTENT_TYPE);
        assertThat(metadata.applicationProperties()).containsEntry(MessageProperties.RESOURCE_TYPE, "Observation");
        assertThat(IncomingBodies.deliveryCount(first)).isZero();

        long nacked = System.nanoTime();
        first.nack(new TransientFailure("live test", null))
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        Message<?> retry = receive(id, Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(System.nanoTime() - nacked)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(IncomingBodies.messageId(retry)).isEqualTo(id + "/retry-1");
        assertThat(IncomingBodies.deliveryCount(retry)).isEqualTo(1);
        assertThat(IncomingBodies.text(retry)).isEqualTo("{\"id\":\"" + id + "\"}");
        retry.ack().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS))
                .as("nothing after the completed retry")
                .isNull();
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithItsReason() throws Exception {
        String id = send(Map.of(MessageProperties.EXPORT_ID, "x2"));
        receive(id, Duration.ofSeconds(60))
                .nack(new PermanentFailure("LiveTestReason", "live test description"))
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        ServiceBusClientBuilder.ServiceBusReceiverClientBuilder dlq = builder().receiver();
        Optional<String> forwardedTo = env("FHIRPIPE_AZURE_SERVICEBUS_DEAD_LETTER_QUEUE");
        if (forwardedTo.isPresent()) {
            dlq.queueName(forwardedTo.get());
        } else {
            dlq.topicName(topic).subscriptionName(subscription).subQueue(SubQueue.DEAD_LETTER_QUEUE);
        }
        try (ServiceBusReceiverClient receiver = dlq.buildClient()) {
            ServiceBusReceivedMessage dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                for (ServiceBusReceivedMessage m : receiver.receiveMessages(10, Duration.ofSeconds(5))) {
                    receiver.complete(m);
                    if (id.equals(m.getMessageId())) {
                        dead = m;
                    }
                }
            }
            assertThat(dead).as("dead letter of %s", id).isNotNull();
            assertThat(dead.getDeadLetterReason()).isEqualTo("LiveTestReason");
            assertThat(dead.getDeadLetterErrorDescription()).isEqualTo("live test description");
        }
    }
}
