package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AmqpTestClientTest {

    private static final String TOPIC = "events";
    private static final String CONSUMER = ArtemisNames.consumerAddress(TOPIC, "reader");
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    private static EmbeddedArtemis broker;
    private static AmqpTestClient client;

    @BeforeAll
    static void start() {
        broker = EmbeddedArtemis.start(new Topology(List.of(new TopicDefinition(
                TOPIC, List.of(new SubscriptionDefinition("reader", 5, Duration.ZERO, Duration.ZERO))))));
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
        client.drain(CONSUMER, Duration.ofMillis(100));
    }

    @Test
    void propertiesAnnotationsIdAndContentTypeTravelWithTheBody() {
        client.send(
                TOPIC,
                OutgoingMessage.of("{\"a\":1}")
                        .withMessageId("msg-1")
                        .withContentType("application/cloudevents+json")
                        .withApplicationProperty("resourceType", "Observation")
                        .withApplicationProperty("chunk", 3)
                        .withMessageAnnotation("x-opt-test", "annotated"));

        ReceivedMessage received = client.receive(CONSUMER, WAIT).orElseThrow();

        assertThat(received.messageId()).isEqualTo("msg-1");
        assertThat(received.body()).isEqualTo("{\"a\":1}");
        assertThat(received.contentType()).isEqualTo("application/cloudevents+json");
        assertThat(received.applicationProperties())
                .containsEntry("resourceType", "Observation")
                .containsEntry("chunk", 3);
        assertThat(received.messageAnnotations()).containsEntry("x-opt-test", "annotated");
        assertThat(received.deliveryCount()).isZero();
    }

    @Test
    void receiveReturnsEmptyWhenNothingArrivesInTime() {
        long t0 = System.nanoTime();
        assertThat(client.receive(CONSUMER, QUIET)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(QUIET);
    }

    @Test
    void browseAndCountDoNotConsumeButDrainDoes() {
        client.send(TOPIC, "one");
        client.send(TOPIC, "two", Map.of("n", 2));
        client.send(TOPIC, "three");

        assertThat(client.count(CONSUMER, QUIET)).isEqualTo(3);
        assertThat(client.browse(CONSUMER, QUIET))
                .extracting(ReceivedMessage::body)
                .containsExactly("one", "two", "three");
        broker.awaitMessageCount(ArtemisNames.subscriptionQueue(TOPIC, "reader"), 3, WAIT);

        assertThat(client.drain(CONSUMER, QUIET))
                .extracting(ReceivedMessage::body)
                .containsExactly("one", "two", "three");
        assertThat(client.count(CONSUMER, QUIET)).isZero();
        broker.awaitMessageCount(ArtemisNames.subscriptionQueue(TOPIC, "reader"), 0, WAIT);
    }

    @Test
    void oneReceiveTakesOneMessageAndLeavesTheRestUntouched() {
        client.send(TOPIC, "first");
        client.send(TOPIC, "second");

        assertThat(client.receive(CONSUMER, WAIT)).map(ReceivedMessage::body).contains("first");

        ReceivedMessage second = client.receive(CONSUMER, WAIT).orElseThrow();
        assertThat(second.body()).isEqualTo("second");
        assertThat(second.deliveryCount())
                .as("not prefetched and handed back by the first receive")
                .isZero();
    }

    @Test
    void connectingWhereNoBrokerListensFailsNamingTheAddress() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() ->
                        AmqpTestClient.connect("127.0.0.1", closedPort, broker.credentials(), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("amqp://127.0.0.1:" + closedPort);
    }

    @Test
    void anAnonymousConnectionIsRefused() {
        assertThatThrownBy(() -> AmqpTestClient.connect(broker.host(), broker.amqpPort(), null, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(broker.amqpUrl());
        assertThat(rawConnection(null, null))
                .as("anonymous, straight through Vert.x")
                .isFalse();
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneWorks() {
        assertThat(rawConnection(
                        broker.credentials().username(), broker.credentials().password() + "x"))
                .isFalse();
        assertThat(rawConnection("anyone", "anything")).isFalse();
        assertThat(rawConnection(
                        broker.credentials().username(), broker.credentials().password()))
                .isTrue();
        try (AmqpTestClient authenticated =
                AmqpTestClient.connect(broker.host(), broker.amqpPort(), broker.credentials())) {
            authenticated.send(TOPIC, "with credentials");
        }
    }

    @Test
    void theCredentialsNeverShowTheirPassword() {
        assertThat(broker.credentials().toString())
                .doesNotContain(broker.credentials().password());
        assertThat(broker.toString()).doesNotContain(broker.credentials().password());
    }

    /** True when the broker accepted a connection with these credentials (null: anonymous). */
    private static boolean rawConnection(String username, String password) {
        Vertx vertx = Vertx.vertx();
        try {
            AmqpConnection connection = AmqpClient.create(
                            vertx,
                            new AmqpClientOptions()
                                    .setHost(broker.host())
                                    .setPort(broker.amqpPort())
                                    .setUsername(username)
                                    .setPassword(password))
                    .connect()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            // a refused login may surface as a closed connection rather than a failed connect
            Thread.sleep(300);
            boolean open = !connection.isDisconnected();
            connection.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return open;
        } catch (Exception refused) {
            return false;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
