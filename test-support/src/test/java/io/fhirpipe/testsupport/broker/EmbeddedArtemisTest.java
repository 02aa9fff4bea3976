package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The standard topology on a real embedded broker. */
class EmbeddedArtemisTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    private static EmbeddedArtemis broker;
    private static AmqpTestClient client;
    private static long startMillis;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        broker = EmbeddedArtemis.start();
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("embedded Artemis started in " + startMillis + " ms on " + broker.amqpUrl());
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

    @Test
    void startsQuicklyOnALoopbackPort() {
        assertThat(broker.host()).isEqualTo("127.0.0.1");
        assertThat(broker.amqpPort()).isPositive();
        assertThat(startMillis).as("start-up time in ms").isLessThan(20_000);
    }

    @Test
    void artemisDoesNotLogAtInfo() {
        assertThat(LoggerFactory.getLogger("org.apache.activemq.artemis.core.server")
                        .isInfoEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.apache.activemq.audit.message").isInfoEnabled())
                .isFalse();
        assertThat(LoggerFactory.getLogger("org.apache.activemq.artemis.core.server")
                        .isWarnEnabled())
                .isTrue();
    }

    @Test
    void createsEveryTopicSubscriptionAndDeadLetterQueueOfTheStandardTopology() {
        for (TopicDefinition topic : Topology.standard().topics()) {
            assertThat(broker.server()
                            .getAddressInfo(SimpleString.of(topic.name()))
                            .getRoutingTypes())
                    .as(topic.name())
                    .containsExactly(RoutingType.MULTICAST);
            for (SubscriptionDefinition subscription : topic.subscriptions()) {
                Queue queue =
                        broker.server().locateQueue(ArtemisNames.subscriptionQueue(topic.name(), subscription.name()));
                assertThat(queue).as(topic.name() + "/" + subscription.name()).isNotNull();
                assertThat(queue.getAddress().toString()).isEqualTo(topic.name());
                assertThat(queue.getRoutingType()).isEqualTo(RoutingType.MULTICAST);
                assertThat(queue.isDurable()).isTrue();
            }
            String deadLetter = Topology.deadLetterAddress(topic.name());
            Queue deadLetterQueue = broker.server().locateQueue(deadLetter);
            assertThat(deadLetterQueue).as(deadLetter).isNotNull();
            assertThat(deadLetterQueue.getAddress().toString()).isEqualTo(deadLetter);
            assertThat(deadLetterQueue.getRoutingType()).isEqualTo(RoutingType.ANYCAST);
        }
        assertThat(broker.server().locateQueue(ArtemisTopology.FALLBACK_DEAD_LETTER))
                .isNotNull();
        assertThat(broker.server().locateQueue(ArtemisTopology.EXPIRED)).isNotNull();
        // export-tracker subscribes to five topics: five distinct queues
        assertThat(broker.server().locateQueue("export-completed.export-tracker"))
                .isNotNull();
        assertThat(broker.server().locateQueue("chunk-failed.export-tracker")).isNotNull();
    }

    @Test
    void appliesTheSubscriptionDeliveryLimitsAsAddressSettings() {
        SubscriptionDefinition subscription =
                Topology.standard().subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER);
        AddressSettings settings =
                broker.server().getAddressSettingsRepository().getMatch(Topics.CHUNK_READY);
        assertThat(settings.getMaxDeliveryAttempts()).isEqualTo(subscription.maxDeliveryCount());
        assertThat(settings.getRedeliveryDelay())
                .isEqualTo(subscription.redeliveryDelay().toMillis());
        assertThat(settings.getMaxRedeliveryDelay())
                .isEqualTo(subscription.maxRedeliveryDelay().toMillis());
        assertThat(settings.getRedeliveryMultiplier()).isEqualTo(ArtemisTopology.REDELIVERY_MULTIPLIER);
        assertThat(settings.getDeadLetterAddress().toString()).isEqualTo("chunk-ready.dead-letter");
    }

    @Test
    void aMessageOnATopicReachesItsSubscriptionThroughTheConsumerAddressAndNoOtherTopic() {
        client.send(Topics.EXPORT_COMPLETED, "{\"exportId\":\"e-1\"}", Map.of("exportId", "e-1"));

        String completed = ArtemisNames.subscriptionQueue(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER);
        broker.awaitMessageCount(completed, 1, WAIT);
        assertThat(broker.messageCount(
                        ArtemisNames.subscriptionQueue(Topics.EXPORT_FAILED, Subscriptions.EXPORT_TRACKER)))
                .isZero();

        ReceivedMessage received = client.receive(
                        ArtemisNames.consumerAddress(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER), WAIT)
                .orElseThrow();
        assertThat(received.body()).isEqualTo("{\"exportId\":\"e-1\"}");
        assertThat(received.property("exportId")).isEqualTo("e-1");
        assertThat(received.durable()).isTrue();
        broker.awaitMessageCount(completed, 0, WAIT);
    }

    @Test
    void everySubscriptionIsConsumableAtTheQueueAddressTheTopologyNames() {
        for (TopicDefinition topic : Topology.standard().topics()) {
            for (SubscriptionDefinition subscription : topic.subscriptions()) {
                String consumerAddress = topic.queueAddress(subscription.name());
                assertThat(ArtemisNames.consumerAddress(topic.name(), subscription.name()))
                        .isEqualTo(consumerAddress);
                String body = "for " + consumerAddress;

                client.send(topic.name(), body);

                assertThat(client.receive(consumerAddress, WAIT))
                        .as(consumerAddress)
                        .map(ReceivedMessage::body)
                        .contains(body);
            }
        }
    }

    @Test
    void anAddressOutsideTheTopologyIsRefusedInsteadOfCreated() {
        assertThatThrownBy(() -> client.send("no-such-topic", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-topic");
        assertThatThrownBy(() -> client.receive("export-requested::no-such-queue", QUIET))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-queue");
        assertThat(broker.server().getAddressInfo(SimpleString.of("no-such-topic")))
                .isNull();
    }

    @Test
    void anAddedSubscriptionReceivesWhatIsPublishedOnATopicWithoutSubscriptions() {
        String tap = broker.addSubscription(Topics.EXPORT_LOADED, "test-tap");
        assertThat(tap).isEqualTo("export-loaded::export-loaded.test-tap");

        client.send(Topics.EXPORT_LOADED, "loaded");

        assertThat(client.receive(tap, WAIT)).map(ReceivedMessage::body).contains("loaded");
        assertThatThrownBy(() -> broker.addSubscription("not-a-topic", "x")).hasMessageContaining("not-a-topic");
    }

    @Test
    void messageCountOfAnUnknownQueueFails() {
        assertThatThrownBy(() -> broker.messageCount("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void closingStopsTheBrokerAndReleasesThePort() throws IOException {
        EmbeddedArtemis other = EmbeddedArtemis.start(new Topology(List.of()));
        int port = other.amqpPort();
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            assertThat(other.server().isActive()).isTrue();
        }
        other.close();
        assertThat(other.server().isStarted()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }
}
