package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import io.fhirpipe.runtime.servicebus.implementation.ReceivedDelivery;
import io.fhirpipe.runtime.servicebus.implementation.ServiceBusTransport;
import io.fhirpipe.runtime.servicebus.implementation.TransportError;
import io.fhirpipe.runtime.servicebus.implementation.TransportProcessor;
import io.fhirpipe.runtime.servicebus.implementation.TransportSender;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * One subscription as a stream of messages. Each message is handed over from inside the processor's
 * callback, and the callback waits until the consumer acks or nacks it, then settles it there: the
 * SDK renews a message's lock only while its callback runs, and bounds the messages in flight by the
 * callbacks it runs at once (max-concurrent-calls).
 *
 * <p>Settlement, the design's semantics on Service Bus:
 * <ul>
 *   <li>ack: complete;</li>
 *   <li>nack with a permanent failure ({@link FailureClassifier}): dead-letter into the subscription's
 *       own dead-letter queue with DeadLetterReason = the failure's reason and DeadLetterErrorDescription;</li>
 *   <li>nack with a transient failure: a copy is scheduled on the topic after a backoff
 *       ({@link io.fhirpipe.runtime.failure.RetryBackoff}, or the failure's retry-after, clamped) and the
 *       original completed. Abandon would bring the message back at once and spend the subscription's
 *       deliveries in seconds. The copy carries the deliveries so far, so the delivery count the
 *       consumers see keeps growing, and the topology's max delivery count still ends the chain:
 *       a failure on the last delivery is dead-lettered with reason DeliveryLimitReached.</li>
 * </ul>
 * Not transactional: a copy and a complete on different entities would need a cross-entity
 * transaction, which pins the whole connection to one entity. The copy is scheduled first; if the
 * complete then fails (the lock was lost) the copy is cancelled, and if that fails too the consumer
 * sees the message twice, which every consumer tolerates (deterministic ids, the loader's ledger).
 */
final class InboundChannel {

    private static final Logger LOG = Logger.getLogger(InboundChannel.class);
    /** Scheduling a retry copy is a publication like any other: the same wait for the broker. */
    private static final Duration SCHEDULE_TIMEOUT = io.fhirpipe.runtime.messaging.Publishing.DEFAULT_TIMEOUT;

    private final InboundSettings settings;
    private final ServiceBusTransport transport;
    private final Clock clock;
    private final Set<CompletableFuture<Decision>> waiting = ConcurrentHashMap.newKeySet();
    private volatile MultiEmitter<? super Message<?>> emitter;
    private volatile TransportProcessor processor;
    private volatile boolean closed;

    /** What the consumer decided: ack (no failure), nack (a failure), or nothing because the channel closed. */
    private record Decision(Throwable failure, boolean released) {}

    InboundChannel(InboundSettings settings, ServiceBusTransport transport, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
    }

    Multi<Message<?>> stream() {
        return Multi.createFrom()
                .<Message<?>>emitter(
                        e -> {
                            emitter = e;
                            processor = transport.processor(settings.processor(), this::onMessage, this::onError);
                            processor.start();
                            LOG.infof(
                                    "channel %s receives %s/Subscriptions/%s (prefetch %d, %d at once, locks renewed up to %s)",
                                    settings.channel(),
                                    settings.topic(),
                                    settings.subscription(),
                                    settings.processor().prefetch(),
                                    settings.processor().maxConcurrentCalls(),
                                    settings.processor().maxAutoLockRenew());
                        },
                        BackPressureStrategy.BUFFER)
                .onTermination()
                .invoke(this::close);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Callbacks still waiting return without settling: the closing link releases their messages.
        waiting.forEach(w -> w.complete(new Decision(null, true)));
        TransportProcessor p = processor;
        if (p != null) {
            p.close();
        }
    }

    /** The processor's callback: runs until the message is settled. */
    void onMessage(ReceivedDelivery delivery) {
        Map<String, Object> properties =
                delivery.applicationProperties() == null ? Map.of() : delivery.applicationProperties();
        Object retryFor = properties.get(MessageProperties.RETRY_FOR);
        if (retryFor != null && !settings.subscription().equals(retryFor.toString())) {
            LOG.debugf(
                    "%s: message %s is a retry copy for subscription %s; completing it here",
                    settings.channel(), delivery.messageId(), retryFor);
            delivery.complete();
            return;
        }
        MultiEmitter<? super Message<?>> downstream = emitter;
        if (closed || downstream == null || downstream.isCancelled()) {
            return; // not settled: the lock runs out or the link closes, and Service Bus delivers it again
        }
        ServiceBusIncomingMetadata metadata = new ServiceBusIncomingMetadata(
                settings.topic(),
                settings.subscription(),
                delivery.messageId(),
                previousDeliveries(properties) + (int) delivery.deliveryCount(),
                delivery.sequenceNumber(),
                delivery.enqueuedTime(),
                delivery.contentType(),
                delivery.subject(),
                delivery.correlationId(),
                properties);
        CompletableFuture<Decision> decided = new CompletableFuture<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        waiting.add(decided);
        Message<String> message = Message.of(
                new String(delivery.body(), StandardCharsets.UTF_8),
                Metadata.of(metadata),
                () -> {
                    decided.complete(new Decision(null, false));
                    return settled;
                },
                failure -> {
                    decided.complete(
                            new Decision(failure == null ? new TransientFailure("nacked", null) : failure, false));
                    return settled;
                });
        try {
            downstream.emit(message);
            Decision decision = decided.join();
            if (!decision.released()) {
                settle(delivery, metadata, decision.failure());
            }
        } catch (RuntimeException settlementFailed) {
            // Lock lost or link closed: Service Bus delivers the message again, counting one more delivery.
            LOG.warnf(
                    "%s: could not settle message %s (%s); Service Bus will deliver it again",
                    settings.channel(), metadata.messageId(), MessageSettlement.describe(settlementFailed));
        } finally {
            waiting.remove(decided);
            // The consumer's ack / nack stage completes either way: a failed settlement is the broker's to repeat.
            settled.complete(null);
        }
    }

    void onError(TransportError error) {
        // The processor keeps running and reconnects by itself; say what happened, never credentials.
        LOG.warnf(
                "%s: Service Bus %s error on %s (%s): %s",
                settings.channel(),
                error.source(),
                error.entityPath(),
                error.transientFailure() ? "transient, the client retries" : "not transient",
                MessageSettlement.describe(error.exception()));
    }

    private void settle(ReceivedDelivery delivery, ServiceBusIncomingMetadata metadata, Throwable failure) {
        if (failure == null) {
            delivery.complete();
            return;
        }
        String description = MessageSettlement.describe(failure);
        if (FailureClassifier.classify(failure) == FailureKind.PERMANENT) {
            delivery.deadLetter(
                    FailureClassifier.reason(failure), MessageProperties.deadLetterDescription(description));
            return;
        }
        int delivered = metadata.deliveryCount() + 1; // the delivery that just failed, from 1
        if (delivered >= settings.maxDeliveryCount()) {
            delivery.deadLetter(
                    MessageSettlement.DELIVERY_LIMIT_REACHED,
                    MessageProperties.deadLetterDescription("delivery " + delivered + " of at most "
                            + settings.maxDeliveryCount() + " failed: " + description));
            return;
        }
        Duration delay = settings.backoff().delay(delivered, retryAfter(failure));
        Instant enqueueAt = clock.instant().plus(delay);
        TransportSender sender = transport.sender(settings.topic());
        long copy;
        try {
            copy = sender.schedule(retryCopy(delivery, metadata, delivered), enqueueAt)
                    .toCompletableFuture()
                    .get(SCHEDULE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delivery.abandon();
            return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf(
                    "%s: could not schedule the retry of message %s (%s); abandoning it instead",
                    settings.channel(), metadata.messageId(), MessageSettlement.describe(e));
            delivery.abandon();
            return;
        }
        try {
            delivery.complete();
        } catch (RuntimeException notCompleted) {
            sender.cancelScheduled(copy).exceptionally(cancelFailed -> {
                LOG.warnf(
                        "%s: could not cancel the retry copy %d of message %s (%s); it will be processed twice",
                        settings.channel(), copy, metadata.messageId(), MessageSettlement.describe(cancelFailed));
                return null;
            });
            throw notCompleted;
        }
        LOG.infof(
                "%s: delivery %d of message %s failed (%s); retrying in %d s",
                settings.channel(), delivered, metadata.messageId(), description, delay.toSeconds());
    }

    /** The same message for this subscription again, with a message id of its own so duplicate detection keeps it. */
    private OutgoingServiceBusMessage retryCopy(
            ReceivedDelivery delivery, ServiceBusIncomingMetadata metadata, int delivered) {
        Map<String, Object> properties = new LinkedHashMap<>(metadata.applicationProperties());
        properties.putIfAbsent(
                MessageProperties.ORIGINAL_MESSAGE_ID,
                metadata.messageId() == null ? "seq:" + metadata.sequenceNumber() : metadata.messageId());
        properties.put(MessageProperties.PREVIOUS_DELIVERIES, delivered);
        properties.put(MessageProperties.RETRY_FOR, settings.subscription());
        String messageId = properties.get(MessageProperties.ORIGINAL_MESSAGE_ID) + "/retry-" + delivered;
        return new OutgoingServiceBusMessage(
                messageId,
                delivery.body(),
                metadata.contentType(),
                metadata.subject(),
                metadata.correlationId(),
                properties);
    }

    private static int previousDeliveries(Map<String, Object> properties) {
        Object value = properties.get(MessageProperties.PREVIOUS_DELIVERIES);
        if (value instanceof Number n) {
            return Math.max(0, n.intValue());
        }
        if (value != null) {
            try {
                return Math.max(0, Integer.parseInt(value.toString().trim()));
            } catch (NumberFormatException ignored) {
                return 0;
            }
        }
        return 0;
    }

    private static Optional<Duration> retryAfter(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof TransientFailure transientFailure ? transientFailure.retryAfter() : Optional.empty();
    }
}
