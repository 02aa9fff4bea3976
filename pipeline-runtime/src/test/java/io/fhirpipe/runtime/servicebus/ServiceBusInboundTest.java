package io.fhirpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.model.validation.InvalidMessageException;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.servicebus.FakeTransport.FakeDelivery;
import io.fhirpipe.runtime.servicebus.FakeTransport.FakeProcessor;
import io.fhirpipe.runtime.servicebus.FakeTransport.FakeSender;
import io.fhirpipe.runtime.servicebus.FakeTransport.Scheduled;
import io.fhirpipe.runtime.servicebus.implementation.ProcessorSettings;
import io.fhirpipe.runtime.servicebus.implementation.TransportError;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Service Bus connector's incoming side through the transport seam: every settlement path, the
 * delivery count across re-scheduled copies, lock renewal for as long as the consumer works, the
 * processor configuration, and recovery after processor errors.
 */
class ServiceBusInboundTest {

    static final String CHANNEL = "chunk-ready";
    static final String ADDRESS = Topics.CHUNK_READY + "/Subscriptions/" + Subscriptions.SYNAPSE_LOADER;
    static final int MAX = Topology.standard()
            .subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER)
            .maxDeliveryCount();
    static final String BODY = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"fhirpipe.chunk.ready.v1\"}";

    ConnectorHarness harness;
    FakeProcessor processor;
    FakeSender topic;

    @BeforeEach
    void start() {
        harness = new ConnectorHarness()
                .subscribe(CHANNEL, Map.of("address", ADDRESS, "retry-min-delay", "10s", "retry-max-delay", "5m"));
        processor = harness.transport.onlyProcessor();
        topic = harness.transport.sender(Topics.CHUNK_READY);
    }

    static Map<String, Object> routing() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MessageProperties.EVENT_TYPE, "fhirpipe.chunk.ready.v1");
        properties.put(MessageProperties.EXPORT_ID, "x1");
        properties.put(MessageProperties.RESOURCE_TYPE, "Observation");
        return properties;
    }

    static FakeDelivery delivery(String id, Map<String, Object> properties, long deliveryCount) {
        return new FakeDelivery(id, BODY, properties, deliveryCount);
    }

    @Test
    void theProcessorStartsWithPrefetchZeroOneCallAndThirtyMinutesOfLockRenewalByDefault() {
        assertThat(processor.started).isTrue();
        assertThat(processor.settings)
                .isEqualTo(new ProcessorSettings(
                        Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, 0, 1, Duration.ofMinutes(30)));
    }

    @Test
    void prefetchConcurrencyAndLockRenewalComeFromTheChannel() {
        ConnectorHarness other = new ConnectorHarness()
                .subscribe(
                        "export-file-ready",
                        Map.of(
                                "address",
                                "export-file-ready/Subscriptions/export-transfer",
                                "prefetch",
                                "2",
                                "max-concurrent-calls",
                                "4",
                                "max-auto-lock-renew-duration",
                                "PT2H"));
        assertThat(other.transport.onlyProcessor().settings)
                .isEqualTo(new ProcessorSettings(
                        Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER, 2, 4, Duration.ofHours(2)));
    }

    @Test
    void aMessageArrivesWithItsBodyIdPropertiesAndDeliveryCount() throws Exception {
        processor.deliver(delivery("m1", routing(), 2));
        Message<?> message = harness.next();
        assertThat(message.getPayload()).isEqualTo(BODY);
        assertThat(IncomingBodies.text(message)).isEqualTo(BODY);
        assertThat(IncomingBodies.messageId(message)).isEqualTo("m1");
        assertThat(IncomingBodies.deliveryCount(message)).isEqualTo(2);
        ServiceBusIncomingMetadata metadata =
                message.getMetadata(ServiceBusIncomingMetadata.class).orElseThrow();
        assertThat(metadata.topic()).isEqualTo(Topics.CHUNK_READY);
        assertThat(metadata.subscription()).isEqualTo(Subscriptions.SYNAPSE_LOADER);
        assertThat(metadata.subject()).isEqualTo("Observation");
        assertThat(metadata.sequenceNumber()).isEqualTo(42);
        assertThat(metadata.applicationProperties()).containsEntry(MessageProperties.RESOURCE_TYPE, "Observation");
        message.ack().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void ackCompletesAndTheLockIsHeldUntilThen() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        Message<?> message = harness.next();
        // The SDK renews the lock while its callback runs: the callback must outlast the work.
        Thread.sleep(200);
        assertThat(callback).isNotDone();
        assertThat(delivery.settlements).isEmpty();
        message.ack().toCompletableFuture().get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("complete");
        assertThat(topic.scheduled).isEmpty();
    }

    @Test
    void aPermanentFailureIsDeadLetteredNativelyWithItsReasonAndDescription() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next()
                .nack(new PermanentFailure("ChunkChecksumMismatch", "the chunk's checksum differs"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements)
                .containsExactly("deadLetter|ChunkChecksumMismatch|the chunk's checksum differs");
        assertThat(topic.scheduled).isEmpty();
    }

    @Test
    void anInvalidMessageIsDeadLetteredAsInvalidMessage() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next().nack(new InvalidMessageException("data.exportId", "is required"));
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).hasSize(1);
        assertThat(delivery.settlements.get(0)).startsWith("deadLetter|InvalidMessage|");
    }

    @Test
    void aTransientFailureSchedulesACopyAfterTheBackoffAndCompletesTheOriginal() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next()
                .nack(new TransientFailure("warehouse paused", null))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("complete");
        assertThat(topic.scheduled).hasSize(1);
        Scheduled copy = topic.scheduled.get(0);
        // the first retry waits exactly the minimum delay
        assertThat(copy.enqueueAt()).isEqualTo(ConnectorHarness.NOW.plusSeconds(10));
        assertThat(copy.message().messageId()).isEqualTo("m1/retry-1");
        assertThat(new String(copy.message().body())).isEqualTo(BODY);
        assertThat(copy.message().contentType()).isEqualTo(MessageProperties.CONTENT_TYPE);
        assertThat(copy.message().subject()).isEqualTo("Observation");
        assertThat(copy.message().applicationProperties())
                .containsAllEntriesOf(routing())
                .containsEntry(MessageProperties.PREVIOUS_DELIVERIES, 1)
                .containsEntry(MessageProperties.RETRY_FOR, Subscriptions.SYNAPSE_LOADER)
                .containsEntry(MessageProperties.ORIGINAL_MESSAGE_ID, "m1");
    }

    @Test
    void aCopyCountsTheDeliveriesBeforeItAndTheNextCopyCountsOnFromThere() throws Exception {
        Map<String, Object> properties = routing();
        properties.put(MessageProperties.PREVIOUS_DELIVERIES, 3);
        properties.put(MessageProperties.ORIGINAL_MESSAGE_ID, "m1");
        properties.put(MessageProperties.RETRY_FOR, Subscriptions.SYNAPSE_LOADER);
        // the copy itself was delivered once before (a lost lock): 3 + 1 deliveries before this one
        CompletableFuture<Void> callback = processor.deliver(delivery("m1/retry-3", properties, 1));
        Message<?> message = harness.next();
        assertThat(IncomingBodies.deliveryCount(message)).isEqualTo(4);
        message.nack(new TransientFailure("throttled", null));
        callback.get(5, TimeUnit.SECONDS);
        Scheduled copy = topic.scheduled.get(0);
        assertThat(copy.message().messageId()).isEqualTo("m1/retry-5");
        assertThat(copy.message().applicationProperties())
                .containsEntry(MessageProperties.PREVIOUS_DELIVERIES, 5)
                .containsEntry(MessageProperties.ORIGINAL_MESSAGE_ID, "m1");
    }

    @Test
    void retryDelaysGrowWithTheDeliveryUpToTheMaximum() throws Exception {
        Duration min = Duration.ofSeconds(10);
        Duration longest = Duration.ZERO;
        for (int before = 0; before < MAX - 1; before++) {
            for (int sample = 0; sample < 8; sample++) {
                Map<String, Object> properties = routing();
                properties.put(MessageProperties.PREVIOUS_DELIVERIES, before);
                CompletableFuture<Void> callback =
                        processor.deliver(delivery("m" + before + "-" + sample, properties, 0));
                harness.next().nack(new TransientFailure("throttled", null));
                callback.get(5, TimeUnit.SECONDS);
                Scheduled copy = topic.scheduled.get(topic.scheduled.size() - 1);
                Duration delay = Duration.between(ConnectorHarness.NOW, copy.enqueueAt());
                Duration ceiling = min.multipliedBy(1L << before);
                ceiling = ceiling.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : ceiling;
                assertThat(delay).as("delay after delivery %d", before + 1).isBetween(min, ceiling);
                if (delay.compareTo(longest) > 0) {
                    longest = delay;
                }
            }
        }
        // over nine retries the waits reach minutes, not seconds
        assertThat(longest).isGreaterThan(Duration.ofMinutes(1));
    }

    @Test
    void aRetryAfterFromTheFailureIsHonouredWithinTheBounds() throws Exception {
        CompletableFuture<Void> callback = processor.deliver(delivery("m1", routing(), 0));
        harness.next().nack(new TransientFailure("429", Duration.ofSeconds(45)));
        callback.get(5, TimeUnit.SECONDS);
        assertThat(topic.scheduled.get(0).enqueueAt()).isEqualTo(ConnectorHarness.NOW.plusSeconds(45));
    }

    @Test
    void onTheLastDeliveryMessageSettlementDeadLettersNativelyWithDeliveryLimitReached() throws Exception {
        Map<String, Object> properties = routing();
        properties.put(MessageProperties.PREVIOUS_DELIVERIES, MAX - 1);
        FakeDelivery delivery = delivery("m1/retry-9", properties, 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        Message<?> message = harness.next();
        io.fhirpipe.runtime.messaging.DeadLetterPublisher unused =
                new io.fhirpipe.runtime.messaging.DeadLetterPublisher(new RejectingEmitter());
        MessageSettlement settlement = new MessageSettlement(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, unused);
        settlement
                .settle(message, new TransientFailure("throttled", null))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements)
                .containsExactly("deadLetter|" + MessageSettlement.DELIVERY_LIMIT_REACHED + "|delivery " + MAX
                        + " of at most " + MAX + " failed like the ones before: throttled");
        assertThat(topic.scheduled).isEmpty();
    }

    @Test
    void messageSettlementDeadLettersAPermanentFailureNativelyNotThroughTheDeadLetterChannel() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        MessageSettlement settlement = new MessageSettlement(
                Topics.CHUNK_READY,
                Subscriptions.SYNAPSE_LOADER,
                new io.fhirpipe.runtime.messaging.DeadLetterPublisher(new RejectingEmitter()));
        settlement
                .settle(harness.next(), new PermanentFailure("Bad", "never loads"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("deadLetter|Bad|never loads");
    }

    @Test
    void aConsumerThatNacksTheLastDeliveryItselfIsStoppedByTheConnector() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), MAX - 1);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next().nack(new RuntimeException("boom"));
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements)
                .containsExactly("deadLetter|" + MessageSettlement.DELIVERY_LIMIT_REACHED + "|delivery " + MAX
                        + " of at most " + MAX + " failed: boom");
        assertThat(topic.scheduled).isEmpty();
    }

    @Test
    void whenTheCopyCannotBeScheduledTheOriginalIsAbandoned() throws Exception {
        topic.scheduleFailure = new IllegalStateException("ServerBusy");
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next()
                .nack(new TransientFailure("throttled", null))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("abandon");
    }

    @Test
    void whenTheOriginalCannotBeCompletedTheCopyIsCancelled() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        delivery.completeFailure = new IllegalStateException("MessageLockLost");
        CompletableFuture<Void> callback = processor.deliver(delivery);
        // the consumer's stage still completes: Service Bus delivers the message again
        harness.next()
                .nack(new TransientFailure("throttled", null))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(topic.scheduled).hasSize(1);
        assertThat(topic.cancelled).containsExactly(topic.scheduled.get(0).sequenceNumber());
    }

    @Test
    void aCopyForAnotherSubscriptionOfTheTopicIsCompletedWithoutReachingTheConsumer() throws Exception {
        Map<String, Object> properties = routing();
        properties.put(MessageProperties.RETRY_FOR, "another-loader");
        FakeDelivery delivery = delivery("m1/retry-1", properties, 0);
        processor.deliver(delivery).get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("complete");
        assertThat(harness.received).isEmpty();
    }

    @Test
    void afterProcessorErrorsFurtherMessagesAreStillProcessed() throws Exception {
        processor.onError.accept(
                new TransportError(ADDRESS, "RECEIVE", true, new IllegalStateException("connection reset")));
        processor.onError.accept(new TransportError(
                ADDRESS, "RECEIVE", true, new IllegalStateException("ServerBusy: the request was throttled")));
        FakeDelivery delivery = delivery("m2", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next().ack();
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("complete");
        assertThat(processor.closed).isFalse();
    }

    @Test
    void severalMessagesAreInFlightAtOnceAndSettledInAnyOrder() throws Exception {
        FakeDelivery first = delivery("a", routing(), 0);
        FakeDelivery second = delivery("b", routing(), 0);
        CompletableFuture<Void> firstCallback = processor.deliver(first);
        Message<?> one = harness.next();
        CompletableFuture<Void> secondCallback = processor.deliver(second);
        Message<?> two = harness.next();
        Message<?> b = IncomingBodies.messageId(one).equals("b") ? one : two;
        Message<?> a = b == one ? two : one;
        b.ack();
        secondCallback.get(5, TimeUnit.SECONDS);
        assertThat(firstCallback).isNotDone();
        a.ack();
        firstCallback.get(5, TimeUnit.SECONDS);
        assertThat(first.settlements).containsExactly("complete");
        assertThat(second.settlements).containsExactly("complete");
    }

    @Test
    void closingReleasesWaitingCallbacksUnsettledAndStopsTheProcessorAndTheConnection() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        harness.next();
        harness.connector.close();
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).isEmpty();
        assertThat(processor.closed).isTrue();
        assertThat(harness.transport.closed).isTrue();
    }

    @Test
    void aSecondAckOrNackChangesNothing() throws Exception {
        FakeDelivery delivery = delivery("m1", routing(), 0);
        CompletableFuture<Void> callback = processor.deliver(delivery);
        Message<?> message = harness.next();
        message.ack().toCompletableFuture().get(5, TimeUnit.SECONDS);
        message.nack(new PermanentFailure("Late", "too late"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        callback.get(5, TimeUnit.SECONDS);
        assertThat(delivery.settlements).containsExactly("complete");
    }

    @Test
    void channelMistakesAreNamed() {
        ConnectorHarness other = new ConnectorHarness();
        assertThatThrownBy(() -> other.subscribe("x", Map.of("address", "chunk-ready::chunk-ready.synapse-loader")))
                .hasMessageContaining("channel x")
                .hasMessageContaining("<topic>/Subscriptions/<subscription>");
        assertThatThrownBy(() -> other.subscribe("x", Map.of("address", "chunk-ready/Subscriptions/nobody")))
                .hasMessageContaining("channel x")
                .hasMessageContaining("nobody");
        assertThatThrownBy(() -> other.subscribe("x", Map.of()))
                .hasMessageContaining("channel x")
                .hasMessageContaining("address");
        Map<String, String> badDuration = new HashMap<>(Map.of("address", ADDRESS, "retry-min-delay", "soon"));
        assertThatThrownBy(() -> other.subscribe("x", badDuration)).hasMessageContaining("retry-min-delay");
        Map<String, String> inverted =
                new HashMap<>(Map.of("address", ADDRESS, "retry-min-delay", "10m", "retry-max-delay", "1m"));
        assertThatThrownBy(() -> other.subscribe("x", inverted)).hasMessageContaining("retry-max-delay");
        Map<String, String> noCalls = new HashMap<>(Map.of("address", ADDRESS, "max-concurrent-calls", "0"));
        assertThatThrownBy(() -> other.subscribe("x", noCalls)).hasMessageContaining("max-concurrent-calls");
    }
}
