package io.fhirpipe.exporttrigger.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.servicebus.ServiceBusSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter list, peek, replay and purge against a real namespace (Azure or the emulator), with the
 * same settings and skip rule as pipeline-runtime's ServiceBusLiveTest: skipped unless
 * {@code FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE} or {@code FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING} is set.
 * Uses {@code FHIRPIPE_AZURE_SERVICEBUS_TOPIC} / {@code FHIRPIPE_AZURE_SERVICEBUS_SUBSCRIPTION} (default
 * export-loaded / observer, which the emulator's topology has and no service reads); the subscription may
 * keep its dead letters or forward them to {@code <topic>.dead-letter}, as fhirpipe's deployments do.
 */
class ServiceBusDeadLettersLiveTest {

    static ServiceBusSettings settings;
    static String topic;
    static String subscription;
    static ServiceBusDeadLetters deadLetters;
    static ServiceBusReceiverClient receiver;

    static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    static boolean configured() {
        return env("FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE").isPresent()
                || env("FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING").isPresent();
    }

    @BeforeEach
    void onlyWithANamespace() {
        assumeTrue(
                configured(), "no FHIRPIPE_AZURE_SERVICEBUS_NAMESPACE or FHIRPIPE_AZURE_SERVICEBUS_CONNECTION_STRING");
    }

    @BeforeAll
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
        Topology topology = new Topology(List.of(new TopicDefinition(
                topic,
                List.of(new SubscriptionDefinition(
                        subscription,
                        Topology.DEFAULT_MAX_DELIVERY_COUNT,
                        Topology.DEFAULT_REDELIVERY_DELAY,
                        Topology.DEFAULT_MAX_REDELIVERY_DELAY)))));
        deadLetters = new ServiceBusDeadLetters(new SdkDeadLetterEntities(settings), topology, Clock.systemUTC());
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
        if (settings.connectionString() != null) {
            builder.connectionString(settings.connectionString());
        } else {
            builder.credential(settings.namespace(), new com.azure.identity.DefaultAzureCredentialBuilder().build());
        }
        receiver = builder.receiver()
                .topicName(topic)
                .subscriptionName(subscription)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .prefetchCount(0)
                .buildClient();
        receiver.receiveMessages(100, Duration.ofSeconds(2)).forEach(receiver::complete);
        deadLetters.purge(topic, subscription);
    }

    @AfterAll
    static void close() {
        if (receiver != null) {
            receiver.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    @Test
    void aDeadLetterIsListedPeekedReplayedToItsSubscriptionAndPurged() {
        String id = "dl-live-" + UUID.randomUUID();
        try (var sender = senderClient()) {
            ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromString("{\"id\":\"" + id + "\"}"));
            message.setMessageId(id);
            message.getApplicationProperties().put(MessageProperties.EXPORT_ID, "exp-live");
            sender.sendMessage(message);
        }
        ServiceBusReceivedMessage received = receive(id);
        receiver.deadLetter(
                received,
                new DeadLetterOptions()
                        .setDeadLetterReason("InvalidMessage")
                        .setDeadLetterErrorDescription("live test"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count() == 1);
        DeadLetter peeked = deadLetters.peek(topic, subscription, 10).get(0);
        assertThat(peeked.messageId()).isEqualTo(id);
        assertThat(peeked.reason()).isEqualTo("InvalidMessage");
        assertThat(peeked.description()).isEqualTo("live test");
        assertThat(peeked.enqueuedTime()).isNotNull();
        assertThat(peeked.properties()).containsEntry(MessageProperties.EXPORT_ID, "exp-live");

        Replayed replayed = deadLetters
                .replay(topic, subscription, id, "{\"id\":\"" + id + "\",\"edited\":true}")
                .orElseThrow();
        assertThat(count()).isZero();
        ServiceBusReceivedMessage again = receive(replayed.replayedAs());
        assertThat(again.getBody().toString()).contains("\"edited\":true");
        assertThat(again.getApplicationProperties()).containsEntry(MessageProperties.RETRY_FOR, subscription);
        receiver.deadLetter(again, new DeadLetterOptions().setDeadLetterReason("InvalidMessage"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count() == 1);
        assertThat(deadLetters.purge(topic, subscription)).isEqualTo(1);
        assertThat(count()).isZero();
    }

    private static long count() {
        return deadLetters.counts().stream()
                .filter(c -> c.subscription().equals(subscription))
                .findFirst()
                .orElseThrow()
                .count();
    }

    private static com.azure.messaging.servicebus.ServiceBusSenderClient senderClient() {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
        if (settings.connectionString() != null) {
            builder.connectionString(settings.connectionString());
        } else {
            builder.credential(settings.namespace(), new com.azure.identity.DefaultAzureCredentialBuilder().build());
        }
        return builder.sender().topicName(topic).buildClient();
    }

    private static ServiceBusReceivedMessage receive(String messageId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ServiceBusReceivedMessage m : receiver.receiveMessages(1, Duration.ofSeconds(5))) {
                if (messageId.equals(m.getMessageId())) {
                    return m;
                }
                receiver.complete(m);
            }
        }
        throw new AssertionError("message " + messageId + " did not arrive on " + topic + "/" + subscription);
    }
}
