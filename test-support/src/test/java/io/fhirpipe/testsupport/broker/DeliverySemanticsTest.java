package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Settlement, redelivery, dead-lettering, fan-out and delayed delivery, as services rely on them,
 * against a real broker with a small test topology.
 */
class DeliverySemanticsTest {

    private static final String WORK = "work";
    private static final String WORKER = "worker";
    private static final String FANOUT = "fanout";
    private static final int MAX_DELIVERIES = 3;
    private static final Duration REDELIVERY_DELAY = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(400);

    private static final String WORK_QUEUE = ArtemisNames.subscriptionQueue(WORK, WORKER);
    private static final String WORK_CONSUMER = ArtemisNames.consumerAddress(WORK, WORKER);
    private static final String WORK_DEAD_LETTER = Topology.deadLetterAddress(WORK);

    private static EmbeddedArtemis broker;
    private static AmqpTestClient client;

    @BeforeAll
    static void start() {
        broker = EmbeddedArtemis.start(new Topology(List.of(
                new TopicDefinition(
                        WORK,
                        List.of(new SubscriptionDefinition(
                                WORKER, MAX_DELIVERIES, REDELIVERY_DELAY, Duration.ofSeconds(1)))),
                new TopicDefinition(
                        FANOUT,
                        List.of(
                                new SubscriptionDefinition("a", 5, Duration.ZERO, Duration.ZERO),
                                new SubscriptionDefinition("b", 5, Duration.ZERO, Duration.ZERO),
                                new SubscriptionDefinition("c", 5, Duration.ZERO, Duration.ZERO))))));
        client = AmqpTestClient.connect(broker);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void empty() {
        client.drain(WORK_CONSUMER, Duration.ofMillis(100));
        client.drain(WORK_DEAD_LETTER, Duration.ofMillis(100));
    }

    @Test
    void aMessageSentToATopicReachesEverySubscriptionQueue() {
        client.send(FANOUT, "to all", Map.of("resourceType", "Patient"));

        for (String subscription : List.of("a", "b", "c")) {
            ReceivedMessage copy = client.receive(ArtemisNames.consumerAddress(FANOUT, subscription), WAIT)
                    .orElseThrow();
            assertThat(copy.body()).as(subscription).isEqualTo("to all");
            assertThat(copy.property("resourceType")).as(subscription).isEqualTo("Patient");
            assertThat(client.receive(ArtemisNames.consumerAddress(FANOUT, subscription), QUIET))
                    .as(subscription)
                    .isEmpty();
        }
        assertThat(broker.messageCount(WORK_QUEUE)).isZero();
    }

    @Test
    void modifiedFailedRedeliversWithAGrowingDeliveryCountThenDeadLetters() {
        client.send(WORK, "transient trouble", Map.of("exportId", "e-7"));

        for (int attempt = 0; attempt < MAX_DELIVERIES; attempt++) {
            ReceivedMessage delivery = client.receive(WORK_CONSUMER, WAIT, Settlement.MODIFIED_FAILED)
                    .orElseThrow(() -> new AssertionError("no delivery"));
            assertThat(delivery.body()).isEqualTo("transient trouble");
            assertThat(delivery.deliveryCount())
                    .as("AMQP header delivery-count")
                    .isEqualTo(attempt);
        }

        broker.awaitMessageCount(WORK_DEAD_LETTER, 1, WAIT);
        assertThat(client.receive(WORK_CONSUMER, REDELIVERY_DELAY.multipliedBy(3)))
                .isEmpty();
        ReceivedMessage deadLetter = client.receive(WORK_DEAD_LETTER, WAIT).orElseThrow();
        assertThat(deadLetter.body()).isEqualTo("transient trouble");
        assertThat(deadLetter.property("exportId")).isEqualTo("e-7");
    }

    @Test
    void theRedeliveryDelayHoldsAFailedMessageBack() {
        client.send(WORK, "later");
        client.receive(WORK_CONSUMER, WAIT, Settlement.MODIFIED_FAILED).orElseThrow();
        long failedAt = System.nanoTime();

        ReceivedMessage again = client.receive(WORK_CONSUMER, WAIT).orElseThrow();

        long waitedMillis = (System.nanoTime() - failedAt) / 1_000_000;
        assertThat(again.deliveryCount()).isEqualTo(1);
        assertThat(waitedMillis).isGreaterThanOrEqualTo(REDELIVERY_DELAY.toMillis() - 50);
    }

    /** What the services' dead letters rely on when the AMQP sender resends one after a broker restart. */
    @Test
    void aResentMessageWithTheSameDuplicateIdIsKeptOnce() {
        Map<String, String> sameId = Map.of("_AMQ_DUPL_ID", "dead-letter-" + System.nanoTime());
        client.send(WORK_DEAD_LETTER, "sent twice", sameId);
        client.send(WORK_DEAD_LETTER, "sent twice", sameId);
        client.send(WORK_DEAD_LETTER, "sent twice", Map.of("_AMQ_DUPL_ID", "another-" + System.nanoTime()));

        assertThat(client.drain(WORK_DEAD_LETTER, QUIET))
                .extracting(ReceivedMessage::body)
                .containsExactly("sent twice", "sent twice");
    }

    @Test
    void rejectDeadLettersAtOnce() {
        client.send(WORK, "poison");

        ReceivedMessage first =
                client.receive(WORK_CONSUMER, WAIT, Settlement.REJECT).orElseThrow();

        assertThat(first.deliveryCount()).isZero();
        broker.awaitMessageCount(WORK_DEAD_LETTER, 1, WAIT);
        broker.awaitMessageCount(WORK_QUEUE, 0, WAIT);
        assertThat(client.receive(WORK_DEAD_LETTER, WAIT))
                .map(ReceivedMessage::body)
                .contains("poison");
    }

    @Test
    void releaseReturnsTheMessageWithoutCountingAFailedDelivery() {
        client.send(WORK, "not now");

        client.receive(WORK_CONSUMER, WAIT, Settlement.RELEASE).orElseThrow();
        ReceivedMessage again = client.receive(WORK_CONSUMER, WAIT).orElseThrow();

        assertThat(again.body()).isEqualTo("not now");
        assertThat(again.deliveryCount()).isZero();
    }

    @Test
    void aMessageWithADeliveryTimeIsNotDeliveredBeforeItAndIsAfterIt() {
        Instant deliveryTime = Instant.now().plusMillis(1500);
        client.send(WORK, OutgoingMessage.of("scheduled").deliverAt(deliveryTime));

        assertThat(broker.scheduledCount(WORK_QUEUE)).isEqualTo(1);
        Optional<ReceivedMessage> early = client.receive(WORK_CONSUMER, Duration.ofMillis(1000));
        assertThat(early).as("delivered before its delivery time").isEmpty();

        ReceivedMessage onTime = client.receive(WORK_CONSUMER, WAIT).orElseThrow();
        Instant receivedAt = Instant.now();
        assertThat(onTime.body()).isEqualTo("scheduled");
        assertThat(receivedAt).isAfterOrEqualTo(deliveryTime.minusMillis(20));
        assertThat(onTime.messageAnnotations())
                .containsEntry(OutgoingMessage.DELIVERY_TIME_ANNOTATION, deliveryTime.toEpochMilli());
    }
}
