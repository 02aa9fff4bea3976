package io.fhirpipe.exporttrigger.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Entity;
import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Locked;
import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Stored;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceBusDeadLetters} against a fake Service Bus that behaves as one does: dead letters in a
 * subscription's dead-letter queue and, forwarded, in {@code <topic>.dead-letter} with their DeadLetterSource;
 * a received message is locked until completed or abandoned, and abandoning counts a delivery.
 */
class ServiceBusDeadLettersTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    static final String TOPIC = Topics.CHUNK_READY;
    static final String SUBSCRIPTION = Subscriptions.SYNAPSE_LOADER;
    static final String SOURCE = TOPIC + "/Subscriptions/" + SUBSCRIPTION;

    final FakeEntities bus = new FakeEntities();
    final ServiceBusDeadLetters deadLetters =
            new ServiceBusDeadLetters(bus, Topology.standard(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void countsEverySubscriptionFromItsOwnQueueAndFromTheForwardQueueBySource() {
        bus.add(new Entity(TOPIC, SUBSCRIPTION), stored("own-1", null));
        bus.add(Entity.forwardQueue(TOPIC), stored("fwd-1", SOURCE));
        bus.add(Entity.forwardQueue(TOPIC), stored("fwd-2", SOURCE.toLowerCase()));
        bus.add(Entity.forwardQueue(TOPIC), stored("someone-else", TOPIC + "/Subscriptions/observer"));

        List<DeadLetterCount> counts = deadLetters.counts();
        assertThat(counts).hasSize(11);
        assertThat(counts)
                .contains(
                        new DeadLetterCount(TOPIC, SUBSCRIPTION, 3),
                        new DeadLetterCount(Topics.EXPORT_REQUESTED, Subscriptions.EXPORT_TRIGGER, 0));
    }

    @Test
    void peekShowsReasonDescriptionDeliveryCountEnqueuedTimeBodyAndProperties() {
        bus.add(Entity.forwardQueue(TOPIC), stored("fwd-1", SOURCE));
        bus.add(Entity.forwardQueue(TOPIC), stored("someone-else", TOPIC + "/Subscriptions/observer"));

        List<DeadLetter> peeked = deadLetters.peek(TOPIC, SUBSCRIPTION, 10);
        assertThat(peeked).hasSize(1);
        DeadLetter d = peeked.get(0);
        assertThat(d.messageId()).isEqualTo("fwd-1");
        assertThat(d.reason()).isEqualTo("InvalidMessage");
        assertThat(d.description()).isEqualTo("data.exportId is required");
        assertThat(d.deliveryCount()).isEqualTo(3);
        assertThat(d.enqueuedTime()).isEqualTo(NOW.minusSeconds(60));
        assertThat(d.body()).isEqualTo("{\"id\":\"fwd-1\"}");
        assertThat(d.properties()).containsEntry(MessageProperties.RESOURCE_TYPE, "Patient");
        // nothing was locked or removed
        assertThat(bus.queue(Entity.forwardQueue(TOPIC))).hasSize(2);
        assertThat(bus.abandoned).isZero();
    }

    @Test
    void replaySendsToTheTopicForTheOneSubscriptionWithANewIdThenRemovesTheDeadLetter() {
        bus.add(Entity.forwardQueue(TOPIC), stored("before", SOURCE));
        bus.add(Entity.forwardQueue(TOPIC), stored("target", SOURCE));
        bus.add(Entity.forwardQueue(TOPIC), stored("after", SOURCE));

        Replayed replayed = deadLetters
                .replay(TOPIC, SUBSCRIPTION, "target", "{\"edited\":true}")
                .orElseThrow();
        assertThat(replayed)
                .isEqualTo(new Replayed(TOPIC, SUBSCRIPTION, "target", "target/replay-" + NOW.toEpochMilli(), true));

        assertThat(bus.sent).hasSize(1);
        Sent sent = bus.sent.get(0);
        assertThat(sent.topic()).isEqualTo(TOPIC);
        assertThat(sent.message().messageId()).isEqualTo("target/replay-" + NOW.toEpochMilli());
        assertThat(new String(sent.message().body(), StandardCharsets.UTF_8)).isEqualTo("{\"edited\":true}");
        assertThat(sent.message().applicationProperties())
                .containsEntry(MessageProperties.RETRY_FOR, SUBSCRIPTION)
                .containsEntry(MessageProperties.ORIGINAL_MESSAGE_ID, "target")
                .containsEntry(MessageProperties.RESOURCE_TYPE, "Patient")
                .doesNotContainKeys(
                        MessageProperties.DEAD_LETTER_REASON,
                        MessageProperties.DEAD_LETTER_DESCRIPTION,
                        MessageProperties.PREVIOUS_DELIVERIES);
        assertThat(bus.queue(Entity.forwardQueue(TOPIC)))
                .extracting(Stored::messageId)
                .containsExactly("before", "after");
        // only the message ahead of it was passed over (and handed back); the one behind it was never locked
        assertThat(bus.abandoned).isEqualTo(1);
        assertThat(bus.locked).isEmpty();
    }

    @Test
    void aReplayWithoutEditKeepsTheBodyAndARetryCopyIsFoundByItsOriginalId() {
        Stored retryCopy = new Stored(
                "orig-7/retry-3",
                1,
                "{\"id\":\"orig-7\"}".getBytes(StandardCharsets.UTF_8),
                MessageProperties.CONTENT_TYPE,
                "Patient",
                null,
                Map.of(
                        MessageProperties.ORIGINAL_MESSAGE_ID,
                        "orig-7",
                        MessageProperties.RETRY_FOR,
                        SUBSCRIPTION,
                        MessageProperties.PREVIOUS_DELIVERIES,
                        4),
                0,
                NOW,
                "MaxDeliveryCountExceeded",
                "",
                null);
        bus.add(new Entity(TOPIC, SUBSCRIPTION), retryCopy);

        assertThat(deadLetters.peek(TOPIC, SUBSCRIPTION, 5))
                .extracting(DeadLetter::messageId)
                .containsExactly("orig-7");
        Replayed replayed =
                deadLetters.replay(TOPIC, SUBSCRIPTION, "orig-7", null).orElseThrow();
        assertThat(replayed.edited()).isFalse();
        OutgoingServiceBusMessage sent = bus.sent.get(0).message();
        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"orig-7\"}");
        assertThat(sent.subject()).isEqualTo("Patient");
        assertThat(sent.applicationProperties()).doesNotContainKey(MessageProperties.PREVIOUS_DELIVERIES);
        assertThat(bus.queue(new Entity(TOPIC, SUBSCRIPTION))).isEmpty();
    }

    @Test
    void aReplayThatFailedAgainIsTheSameMessageAndItsReplayIdDoesNotGrow() {
        bus.add(new Entity(TOPIC, SUBSCRIPTION), stored("orig-9/replay-1764000000000", null));
        assertThat(deadLetters.peek(TOPIC, SUBSCRIPTION, 5))
                .extracting(DeadLetter::messageId)
                .containsExactly("orig-9");
        Replayed replayed =
                deadLetters.replay(TOPIC, SUBSCRIPTION, "orig-9", null).orElseThrow();
        assertThat(replayed.replayedAs()).isEqualTo("orig-9/replay-" + NOW.toEpochMilli());
    }

    @Test
    void anUnknownIdReplaysNothing() {
        bus.add(Entity.forwardQueue(TOPIC), stored("other-subscription", TOPIC + "/Subscriptions/observer"));
        assertThat(deadLetters.replay(TOPIC, SUBSCRIPTION, "other-subscription", null))
                .isEmpty();
        assertThat(deadLetters.replay(TOPIC, SUBSCRIPTION, "nothing", null)).isEmpty();
        assertThat(bus.sent).isEmpty();
        assertThat(bus.queue(Entity.forwardQueue(TOPIC))).hasSize(1);
    }

    @Test
    void purgeRemovesOnlyTheSubscriptionsDeadLetters() {
        bus.add(new Entity(TOPIC, SUBSCRIPTION), stored("own-1", null));
        bus.add(Entity.forwardQueue(TOPIC), stored("someone-else", TOPIC + "/Subscriptions/observer"));
        bus.add(Entity.forwardQueue(TOPIC), stored("fwd-1", SOURCE));
        bus.add(Entity.forwardQueue(TOPIC), stored("fwd-2", SOURCE));

        assertThat(deadLetters.purge(TOPIC, SUBSCRIPTION)).isEqualTo(3);
        assertThat(bus.queue(new Entity(TOPIC, SUBSCRIPTION))).isEmpty();
        assertThat(bus.queue(Entity.forwardQueue(TOPIC)))
                .extracting(Stored::messageId)
                .containsExactly("someone-else");
        assertThat(bus.locked).isEmpty();
        assertThat(deadLetters.counts()).contains(new DeadLetterCount(TOPIC, SUBSCRIPTION, 0));
    }

    private long sequence;

    private Stored stored(String id, String source) {
        return new Stored(
                id,
                ++sequence,
                ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                MessageProperties.CONTENT_TYPE,
                "Patient",
                null,
                Map.of(MessageProperties.RESOURCE_TYPE, "Patient"),
                3,
                NOW.minusSeconds(60),
                "InvalidMessage",
                "data.exportId is required",
                source);
    }

    record Sent(String topic, OutgoingServiceBusMessage message) {}

    /** Queues in sequence order; a received message is hidden while locked, as on Service Bus. */
    static final class FakeEntities implements DeadLetterEntities {
        final Map<Entity, List<Stored>> queues = new HashMap<>();
        final List<Stored> locked = new ArrayList<>();
        final List<Sent> sent = new ArrayList<>();
        int abandoned;

        void add(Entity entity, Stored message) {
            queues.computeIfAbsent(entity, e -> new ArrayList<>()).add(message);
        }

        List<Stored> queue(Entity entity) {
            return queues.getOrDefault(entity, List.of());
        }

        @Override
        public List<Stored> peek(Entity entity, long fromSequenceNumber, int max) {
            return queue(entity).stream()
                    .filter(m -> m.sequenceNumber() >= fromSequenceNumber)
                    .limit(max)
                    .toList();
        }

        @Override
        public List<Locked> receive(Entity entity, int max, Duration wait) {
            List<Locked> out = new ArrayList<>();
            for (Stored m : queue(entity)) {
                if (out.size() == max) {
                    break;
                }
                if (locked.contains(m)) {
                    continue;
                }
                locked.add(m);
                out.add(new Locked() {
                    @Override
                    public Stored message() {
                        return m;
                    }

                    @Override
                    public void complete() {
                        locked.remove(m);
                        queues.get(entity).remove(m);
                    }

                    @Override
                    public void abandon() {
                        locked.remove(m);
                        abandoned++;
                    }
                });
            }
            return out;
        }

        @Override
        public void send(String topic, OutgoingServiceBusMessage message) {
            sent.add(new Sent(topic, message));
        }

        @Override
        public void close() {}
    }
}
