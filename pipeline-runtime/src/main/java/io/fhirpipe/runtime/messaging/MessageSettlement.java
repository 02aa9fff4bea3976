package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The one place that turns a processing outcome into a settlement, the same on every transport:
 * success acks (complete), a transient failure nacks (abandon; the channel's failure strategy
 * makes the broker redeliver and eventually dead-letter), a permanent failure dead-letters now
 * with its reason. On the last delivery the subscription allows ({@link Topology#standard()}), a
 * transient failure is treated as permanent ({@link #outcome}): the message is dead-lettered here,
 * with reason {@value #DELIVERY_LIMIT_REACHED} and the last failure, and the service can announce
 * it (file.failed, chunk.failed) instead of the broker dropping it into the dead-letter queue
 * without a word.
 *
 * <p>Where the message came from decides how: on Artemis a permanent failure is published to the
 * topic's dead-letter address with its reason (Artemis keeps none) and then acked; a message from the
 * Service Bus connector (its metadata is a {@link BrokerDelivery}) is nacked with the failure instead,
 * and the connector dead-letters it natively with {@code DeadLetterReason} and
 * {@code DeadLetterErrorDescription}.
 */
public final class MessageSettlement {

    private static final Logger LOG = Logger.getLogger(MessageSettlement.class);

    public static final String DELIVERY_LIMIT_REACHED = DeadLetterReason.DELIVERY_LIMIT_REACHED;

    private final String topic;
    private final String subscription;
    private final DeadLetterPublisher deadLetters;
    /** The broker's limit for this subscription; 0 when the topology does not know it. */
    private final int maxDeliveryCount;

    public MessageSettlement(String topic, String subscription, DeadLetterPublisher deadLetters) {
        this.topic = topic;
        this.subscription = subscription;
        this.deadLetters = deadLetters;
        this.maxDeliveryCount = Topology.standard().topics().stream()
                .filter(t -> t.name().equals(topic))
                .flatMap(t -> t.subscriptions().stream())
                .filter(s -> s.name().equals(subscription))
                .mapToInt(SubscriptionDefinition::maxDeliveryCount)
                .findFirst()
                .orElse(0);
    }

    /** Settles {@code topic}'s messages for {@code subscription}; on Artemis, dead letters go through {@code deadLetters}. */
    public static MessageSettlement of(
            String topic,
            String subscription,
            org.eclipse.microprofile.reactive.messaging.Emitter<String> deadLetters) {
        return new MessageSettlement(topic, subscription, new DeadLetterPublisher(deadLetters));
    }

    /** The topic whose messages this settles. */
    public String topic() {
        return topic;
    }

    /**
     * The failure to act on: the same one, except a transient failure on the last delivery the
     * broker will make (AMQP delivery-count + 1 = the subscription's max delivery count), which
     * becomes a {@link PermanentFailure} with reason {@value #DELIVERY_LIMIT_REACHED}. Callers that
     * announce what they dead-letter ask this before deciding; {@link #settle} applies it itself.
     */
    public Throwable outcome(Message<?> message, Throwable failure) {
        if (failure == null || maxDeliveryCount == 0 || FailureClassifier.classify(failure) != FailureKind.TRANSIENT) {
            return failure;
        }
        int delivery = IncomingBodies.deliveryCount(message) + 1;
        if (delivery < maxDeliveryCount) {
            return failure;
        }
        return new PermanentFailure(
                DELIVERY_LIMIT_REACHED,
                "delivery " + delivery + " of at most " + maxDeliveryCount + " failed like the ones before: "
                        + describe(failure),
                failure);
    }

    /**
     * Settles like {@link #settle(Message, Throwable)}, but a message about to be dead-lettered (a
     * permanent failure, or a transient one on the last delivery) is announced first, with the dead
     * letter's {@link DeadLetterReason}: only once the broker has the announcement is the message
     * dead-lettered. An announcement that cannot be published abandons the message instead (it is
     * tried again, announcement and all); on the last delivery that too becomes a dead letter
     * ({@value DeadLetterReason#DELIVERY_LIMIT_REACHED}), the one case of a dead letter without an
     * announcement. An announcement that cannot even be made (an unreadable body) is skipped.
     */
    public CompletionStage<Void> settle(Message<?> message, Throwable failure, Announcement announcement) {
        Throwable outcome = outcome(message, failure);
        if (outcome == null || FailureClassifier.classify(outcome) != FailureKind.PERMANENT) {
            return settle(message, outcome);
        }
        try {
            announcement.publish(DeadLetterReason.of(outcome));
        } catch (io.fhirpipe.runtime.failure.TransientFailure notAnnounced) {
            return settle(message, notAnnounced);
        } catch (RuntimeException nothingToAnnounce) {
            LOG.errorf(
                    "dead-lettering a message of %s::%s that could not be announced: %s",
                    topic, subscription, LogValues.escaped(describe(nothingToAnnounce)));
        }
        return settle(message, outcome);
    }

    public CompletionStage<Void> settle(Message<?> message, Throwable failure) {
        if (failure == null) {
            PipelineMetrics.messageHandled(topic, subscription);
            return message.ack();
        }
        failure = outcome(message, failure);
        // the consumer's span (MessageWork), so a trace shows which message failed and why
        Tracing.failed(Span.current(), failure);
        String messageId = IncomingBodies.messageId(message);
        if (FailureClassifier.classify(failure) == FailureKind.TRANSIENT) {
            PipelineMetrics.messageFailed(topic, subscription, FailureClassifier.reason(failure));
            LOG.warnf(
                    "transient failure on %s::%s message %s (delivery %d), to be delivered again: %s",
                    topic,
                    subscription,
                    LogValues.quoted(messageId),
                    IncomingBodies.deliveryCount(message) + 1,
                    LogValues.escaped(describe(failure)));
            return message.nack(failure);
        }
        DeadLetterReason why = DeadLetterReason.of(failure);
        String reason = why.reason();
        String description = why.description();
        PipelineMetrics.messageDeadLettered(topic, subscription, reason);
        LOG.errorf(
                "permanent failure on %s::%s message %s, dead-lettering: %s: %s",
                topic, subscription, LogValues.quoted(messageId), reason, LogValues.escaped(description));
        if (BrokerDelivery.of(message).isPresent()) {
            return message.nack(failure);
        }
        String body;
        try {
            body = IncomingBodies.text(message);
        } catch (RuntimeException unreadable) {
            body = String.valueOf(message.getPayload());
        }
        return deadLetters
                .deadLetter(topic, subscription, body, messageId, reason, description)
                .thenCompose(ignored -> message.ack())
                .exceptionallyCompose(publishFailed -> {
                    // The dead letter is not safe yet: abandon, so the message is not lost.
                    LOG.errorf(
                            "could not dead-letter message %s, abandoning it instead: %s",
                            LogValues.quoted(messageId), LogValues.escaped(describe(publishFailed)));
                    return message.nack(publishFailed);
                });
    }

    /** A failure's message for logs and dead letters, past the CompletionException wrappers. */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        String text = t.getMessage();
        return text == null ? t.getClass().getSimpleName() : text;
    }

    /** Completes a processing stage into a settlement. */
    public CompletionStage<Void> settleWhenDone(Message<?> message, CompletionStage<?> processing) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        processing.whenComplete((ignored, failure) -> settle(message, failure).whenComplete((v, e) -> {
            if (e != null) {
                settled.completeExceptionally(e);
            } else {
                settled.complete(null);
            }
        }));
        return settled;
    }
}
