package io.fhirpipe.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.testsupport.broker.Redeliveries;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * "Announce the failure, then dead-letter": the announcement (here chunk.failed) carries the dead
 * letter's reason, reaches the broker before the dead letter, and a message whose announcement
 * cannot be published is abandoned rather than dead-lettered unannounced.
 */
class AnnouncedSettlementTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final int MAX = Redeliveries.maxDeliveries(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER);

    /** Everything the "broker" took, announcements and dead letters, in order. */
    final List<String> broker = new CopyOnWriteArrayList<>();

    final List<Message<? extends String>> deadLetters = new CopyOnWriteArrayList<>();
    final List<String> settled = new ArrayList<>();
    final MessageSettlement settlement =
            MessageSettlement.of(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, new SinkEmitter(m -> {
                broker.add("dead letter");
                deadLetters.add(m);
                m.ack();
            }));
    final List<String> announced = new CopyOnWriteArrayList<>();
    final Publishing publishing = new Publishing(BrokerKind.ARTEMIS, Duration.ofSeconds(5));
    final CloudEventPublisher chunkFailed = publishing.to(new SinkEmitter(m -> {
        broker.add("announcement");
        announced.add(m.getPayload());
        m.ack();
    }));

    Announcement chunkFailedFor(CloudEventPublisher channel) {
        return Announcement.of(
                channel,
                why -> CloudEvent.of(
                        MessageType.CHUNK_FAILED,
                        "/test",
                        new ChunkFailed("e1", "Patient", "e1/Patient/chunk-0.ndjson", why.text(), NOW),
                        NOW));
    }

    Message<Object> delivery(int failedBefore) {
        return Redeliveries.delivery("{\"id\":\"c1\"}", failedBefore, settled);
    }

    static String reasonOf(Message<? extends String> deadLetter) {
        return deadLetter
                .getMetadata(OutgoingAmqpMetadata.class)
                .orElseThrow()
                .getProperties()
                .getString(MessageProperties.DEAD_LETTER_REASON);
    }

    static String announcedReason(String body) {
        return MessageCodec.decode(body, MessageType.CHUNK_FAILED, ChunkFailed.class)
                .data()
                .reason();
    }

    @Test
    void aPermanentFailureIsAnnouncedWithTheDeadLettersReasonThenDeadLettered() {
        PermanentFailure failure = new PermanentFailure("ChunkNotFound", "no blob e1/Patient/chunk-0.ndjson");
        settlement
                .settle(delivery(0), failure, chunkFailedFor(chunkFailed))
                .toCompletableFuture()
                .join();

        assertThat(broker).containsExactly("announcement", "dead letter");
        assertThat(settled).containsExactly("ack");
        assertThat(reasonOf(deadLetters.get(0))).isEqualTo("ChunkNotFound");
        assertThat(announcedReason(announced.get(0)))
                .isEqualTo("ChunkNotFound: no blob e1/Patient/chunk-0.ndjson")
                .isEqualTo(DeadLetterReason.of(failure).text());
    }

    @Test
    void aTransientFailureOnTheLastDeliveryIsAnnouncedAsDeliveryLimitReached() {
        settlement
                .settle(delivery(MAX - 1), new TransientFailure("warehouse busy", null), chunkFailedFor(chunkFailed))
                .toCompletableFuture()
                .join();

        assertThat(broker).containsExactly("announcement", "dead letter");
        assertThat(reasonOf(deadLetters.get(0))).isEqualTo(DeadLetterReason.DELIVERY_LIMIT_REACHED);
        assertThat(announcedReason(announced.get(0)))
                .startsWith(DeadLetterReason.DELIVERY_LIMIT_REACHED + ": ")
                .endsWith("warehouse busy");
    }

    @Test
    void aTransientFailureBeforeTheLastDeliveryIsAbandonedUnannounced() {
        settlement
                .settle(delivery(0), new TransientFailure("warehouse busy", null), chunkFailedFor(chunkFailed))
                .toCompletableFuture()
                .join();

        assertThat(broker).isEmpty();
        assertThat(settled).containsExactly("nack");
    }

    @Test
    void anAnnouncementTheBrokerRefusesAbandonsTheMessageInsteadOfDeadLetteringIt() {
        CloudEventPublisher refusing = publishing.to(new SinkEmitter(m -> {
            broker.add("refused");
            m.nack(new IllegalStateException("address full"));
        }));
        settlement
                .settle(delivery(0), new PermanentFailure("ChunkNotFound", "gone"), chunkFailedFor(refusing))
                .toCompletableFuture()
                .join();

        // three attempts (TransientRetries.beforeDeadLetter), then the message goes back to the broker
        assertThat(broker).containsExactly("refused", "refused", "refused");
        assertThat(settled).containsExactly("nack");
    }

    @Test
    void onTheLastDeliveryAnUnpublishableAnnouncementStillEndsInADeadLetter() {
        CloudEventPublisher refusing = publishing.to(new SinkEmitter(m -> m.nack(new IllegalStateException("down"))));
        settlement
                .settle(delivery(MAX - 1), new PermanentFailure("ChunkNotFound", "gone"), chunkFailedFor(refusing))
                .toCompletableFuture()
                .join();

        assertThat(broker).containsExactly("dead letter");
        assertThat(reasonOf(deadLetters.get(0))).isEqualTo(DeadLetterReason.DELIVERY_LIMIT_REACHED);
        assertThat(settled).containsExactly("ack");
    }

    @Test
    void nothingToAnnounceDeadLettersWithTheFailuresReason() {
        Announcement none = Announcement.of(chunkFailed, why -> null);
        settlement
                .settle(delivery(0), new PermanentFailure(DeadLetterReason.INVALID_MESSAGE, "not JSON"), none)
                .toCompletableFuture()
                .join();

        assertThat(broker).containsExactly("dead letter");
        assertThat(reasonOf(deadLetters.get(0))).isEqualTo(DeadLetterReason.INVALID_MESSAGE);
    }
}
