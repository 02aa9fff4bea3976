package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault suite's "every message delivered twice", on a real embedded broker. */
class DuplicateDeliveryTest {

    private static final String TOPIC = "fanout";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Topology TOPOLOGY = new Topology(List.of(new TopicDefinition(
            TOPIC,
            List.of(
                    new SubscriptionDefinition("a", 2, Duration.ZERO, Duration.ZERO),
                    new SubscriptionDefinition("b", 2, Duration.ZERO, Duration.ZERO)))));

    @Test
    void aMessageSentOnceReachesEachSubscriptionTwiceWithTheSameIdAndADifferentBrokerId() {
        try (EmbeddedArtemis broker = EmbeddedArtemis.builder()
                        .topology(TOPOLOGY)
                        .duplicateDelivery(true)
                        .start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            client.send(
                    TOPIC,
                    OutgoingMessage.of("{\"id\":\"ce-1\"}")
                            .withMessageId("ce-1")
                            .withApplicationProperties(Map.of("cloudEvents:id", "ce-1", "cloudEvents:type", "test")));

            for (String subscription : List.of("a", "b")) {
                String queue = ArtemisNames.subscriptionQueue(TOPIC, subscription);
                broker.awaitMessageCount(queue, 2, WAIT);
                List<Long> brokerIds = brokerMessageIds(broker, queue);
                assertThat(brokerIds).as(subscription).hasSize(2).doesNotHaveDuplicates();

                List<ReceivedMessage> received = client.drain(ArtemisNames.consumerAddress(TOPIC, subscription), QUIET);
                assertThat(received).as(subscription).hasSize(2).allSatisfy(m -> {
                    assertThat(m.body()).isEqualTo("{\"id\":\"ce-1\"}");
                    assertThat(m.messageId()).isEqualTo("ce-1");
                    assertThat(m.property("cloudEvents:id")).isEqualTo("ce-1");
                    assertThat(m.property("cloudEvents:type")).isEqualTo("test");
                });
            }
        }
    }

    @Test
    void onlyClientSendsToATopicAreDoubledNotRedeliveriesScheduledMessagesOrDeadLetters() {
        try (EmbeddedArtemis broker = EmbeddedArtemis.builder()
                        .topology(TOPOLOGY)
                        .duplicateDelivery(true)
                        .start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            String consumerA = ArtemisNames.consumerAddress(TOPIC, "a");
            client.send(
                    TOPIC, OutgoingMessage.of("later").deliverAt(Instant.now().plusMillis(300)));
            assertThat(client.drain(consumerA, Duration.ofSeconds(1))).hasSize(2);

            client.send(TOPIC, "released");
            client.receive(consumerA, WAIT, Settlement.RELEASE).orElseThrow();
            assertThat(client.drain(consumerA, QUIET)).hasSize(2);

            String deadLetter = Topology.deadLetterAddress(TOPIC);
            client.send(TOPIC, "poison");
            client.receive(consumerA, WAIT, Settlement.REJECT).orElseThrow();
            client.receive(consumerA, WAIT, Settlement.REJECT).orElseThrow();
            assertThat(client.drain(deadLetter, QUIET)).hasSize(2);

            client.send(deadLetter, "sent to the dead-letter address");
            assertThat(client.drain(deadLetter, QUIET)).hasSize(1);
        }
    }

    @Test
    void aPersistentBrokerKeepsBothCopiesAcrossARestart(@TempDir Path data) {
        String queue = ArtemisNames.subscriptionQueue(TOPIC, "b");
        BrokerCredentials user = BrokerCredentials.generate();
        try (EmbeddedArtemis broker = EmbeddedArtemis.builder()
                        .topology(TOPOLOGY)
                        .dataDirectory(data)
                        .credentials(user)
                        .duplicateDelivery(true)
                        .start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            client.send(TOPIC, "kept");
            broker.awaitMessageCount(queue, 2, WAIT);
        }
        try (EmbeddedArtemis broker = EmbeddedArtemis.builder()
                        .topology(TOPOLOGY)
                        .dataDirectory(data)
                        .credentials(user)
                        .start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            assertThat(client.drain(ArtemisNames.consumerAddress(TOPIC, "b"), QUIET))
                    .extracting(ReceivedMessage::body)
                    .containsExactly("kept", "kept");
        }
    }

    @Test
    void offByDefault() {
        try (EmbeddedArtemis broker =
                        EmbeddedArtemis.builder().topology(TOPOLOGY).start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            client.send(TOPIC, "once");
            assertThat(client.drain(ArtemisNames.consumerAddress(TOPIC, "a"), QUIET))
                    .hasSize(1);
            assertThat(client.drain(ArtemisNames.consumerAddress(TOPIC, "b"), QUIET))
                    .hasSize(1);
        }
    }

    private static List<Long> brokerMessageIds(EmbeddedArtemis broker, String queueName) {
        Queue queue = broker.server().locateQueue(SimpleString.of(queueName));
        List<Long> ids = new ArrayList<>();
        try (LinkedListIterator<MessageReference> it = queue.browserIterator()) {
            while (it.hasNext()) {
                ids.add(it.next().getMessage().getMessageID());
            }
        }
        return ids;
    }
}
