package io.fhirpipe.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * Settlement on the subscription's last delivery: the broker would dead-letter a transient failure
 * silently, so it is dead-lettered here with a reason, and callers can tell beforehand.
 */
class MessageSettlementTest {

    static final int MAX = Topology.standard()
            .subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER)
            .maxDeliveryCount();

    /** Records what is sent and lets the broker "accept" it at once. */
    static final class RecordingEmitter extends SinkEmitter {
        final List<Message<? extends String>> sent;

        RecordingEmitter() {
            this(new java.util.concurrent.CopyOnWriteArrayList<>());
        }

        private RecordingEmitter(List<Message<? extends String>> sent) {
            super(message -> {
                sent.add(message);
                message.ack();
            });
            this.sent = sent;
        }
    }

    final RecordingEmitter deadLetters = new RecordingEmitter();
    final MessageSettlement settlement = new MessageSettlement(
            Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, new DeadLetterPublisher(deadLetters));
    final List<String> settled = new ArrayList<>();

    Message<Object> delivery(int failedBefore) {
        return io.fhirpipe.testsupport.broker.Redeliveries.delivery("{\"id\":\"e1\"}", failedBefore, settled);
    }

    @Test
    void aTransientFailureBeforeTheLastDeliveryIsAbandoned() {
        TransientFailure failure = new TransientFailure("throttled", null);
        Message<Object> message = delivery(MAX - 2);
        assertThat(settlement.outcome(message, failure)).isSameAs(failure);
        settlement.settle(message, failure).toCompletableFuture().join();
        assertThat(settled).containsExactly("nack");
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastDeliveryATransientFailureIsDeadLetteredWithAReason() {
        TransientFailure failure = new TransientFailure("throttled", null);
        Message<Object> message = delivery(MAX - 1);
        Throwable outcome = settlement.outcome(message, failure);
        assertThat(outcome).isInstanceOfSatisfying(PermanentFailure.class, p -> {
            assertThat(p.reason()).isEqualTo(MessageSettlement.DELIVERY_LIMIT_REACHED);
            assertThat(p.getMessage())
                    .isEqualTo("delivery " + MAX + " of at most " + MAX + " failed like the ones before: throttled");
            assertThat(p.getCause()).isSameAs(failure);
        });
        settlement.settle(message, failure).toCompletableFuture().join();
        assertThat(settled).containsExactly("ack");
        assertThat(deadLetters.sent).hasSize(1);
        OutgoingAmqpMetadata metadata =
                deadLetters.sent.get(0).getMetadata(OutgoingAmqpMetadata.class).orElseThrow();
        assertThat(metadata.getAddress()).isEqualTo(Topology.deadLetterAddress(Topics.CHUNK_READY));
        assertThat(metadata.getProperties().getString(MessageProperties.DEAD_LETTER_REASON))
                .isEqualTo(MessageSettlement.DELIVERY_LIMIT_REACHED);
        // a fresh duplicate-detection id per dead letter: a resend is dropped, a second dead-lettering kept
        settlement.settle(delivery(MAX - 1), failure).toCompletableFuture().join();
        assertThat(deadLetters.sent).hasSize(2);
        assertThat(deadLetters.sent)
                .extracting(m -> m.getMetadata(OutgoingAmqpMetadata.class)
                        .orElseThrow()
                        .getProperties()
                        .getString(MessageProperties.ARTEMIS_DUPLICATE_ID))
                .doesNotContainNull()
                .doesNotHaveDuplicates();
    }

    @Test
    void permanentFailuresSuccessAndUnknownSubscriptionsAreLeftAsTheyAre() {
        PermanentFailure bad = new PermanentFailure("Bad", "never loads");
        assertThat(settlement.outcome(delivery(MAX - 1), bad)).isSameAs(bad);
        assertThat(settlement.outcome(delivery(MAX - 1), null)).isNull();
        TransientFailure failure = new TransientFailure("throttled", null);
        MessageSettlement unknown =
                new MessageSettlement("no-such-topic", "nobody", new DeadLetterPublisher(deadLetters));
        assertThat(unknown.outcome(delivery(100), failure)).isSameAs(failure);
        // a message without AMQP metadata (in-memory channels) counts as a first delivery
        assertThat(settlement.outcome(Message.of("x"), failure)).isSameAs(failure);
    }
}
