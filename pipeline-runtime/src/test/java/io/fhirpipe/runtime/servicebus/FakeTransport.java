package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import io.fhirpipe.runtime.servicebus.implementation.ProcessorSettings;
import io.fhirpipe.runtime.servicebus.implementation.ReceivedDelivery;
import io.fhirpipe.runtime.servicebus.implementation.ServiceBusTransport;
import io.fhirpipe.runtime.servicebus.implementation.TransportError;
import io.fhirpipe.runtime.servicebus.implementation.TransportProcessor;
import io.fhirpipe.runtime.servicebus.implementation.TransportSender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Service Bus as the connector sees it, in memory: records what is sent, scheduled and settled. */
final class FakeTransport implements ServiceBusTransport {

    final Map<String, FakeSender> senders = new ConcurrentHashMap<>();
    final List<FakeProcessor> processors = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public FakeSender sender(String entity) {
        return senders.computeIfAbsent(entity, FakeSender::new);
    }

    @Override
    public TransportProcessor processor(
            ProcessorSettings settings, Consumer<ReceivedDelivery> onMessage, Consumer<TransportError> onError) {
        FakeProcessor processor = new FakeProcessor(settings, onMessage, onError);
        processors.add(processor);
        return processor;
    }

    @Override
    public void close() {
        closed = true;
    }

    FakeProcessor onlyProcessor() {
        if (processors.size() != 1) {
            throw new AssertionError("expected one processor, have " + processors.size());
        }
        return processors.get(0);
    }

    record Scheduled(OutgoingServiceBusMessage message, Instant enqueueAt, long sequenceNumber) {}

    static final class FakeSender implements TransportSender {
        final String entity;
        final List<OutgoingServiceBusMessage> sent = new CopyOnWriteArrayList<>();
        final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
        final List<Long> cancelled = new CopyOnWriteArrayList<>();
        final AtomicLong sequence = new AtomicLong(100);
        /** What the next sends answer; completed at once unless a test swaps it. */
        volatile Supplier<CompletableFuture<Void>> sendOutcome = () -> CompletableFuture.completedFuture(null);

        volatile RuntimeException scheduleFailure;

        FakeSender(String entity) {
            this.entity = entity;
        }

        @Override
        public CompletionStage<Void> send(OutgoingServiceBusMessage message) {
            sent.add(message);
            return sendOutcome.get();
        }

        @Override
        public CompletionStage<Long> schedule(OutgoingServiceBusMessage message, Instant enqueueAt) {
            if (scheduleFailure != null) {
                return CompletableFuture.failedFuture(scheduleFailure);
            }
            long seq = sequence.incrementAndGet();
            scheduled.add(new Scheduled(message, enqueueAt, seq));
            return CompletableFuture.completedFuture(seq);
        }

        @Override
        public CompletionStage<Void> cancelScheduled(long sequenceNumber) {
            cancelled.add(sequenceNumber);
            return CompletableFuture.completedFuture(null);
        }
    }

    static final class FakeProcessor implements TransportProcessor {
        final ProcessorSettings settings;
        final Consumer<ReceivedDelivery> onMessage;
        final Consumer<TransportError> onError;
        volatile boolean started;
        volatile boolean closed;

        FakeProcessor(
                ProcessorSettings settings, Consumer<ReceivedDelivery> onMessage, Consumer<TransportError> onError) {
            this.settings = settings;
            this.onMessage = onMessage;
            this.onError = onError;
        }

        /** Runs the callback on a thread of its own, as the SDK does; completes when the callback returns. */
        CompletableFuture<Void> deliver(FakeDelivery delivery) {
            return CompletableFuture.runAsync(() -> onMessage.accept(delivery));
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A received message; its settlement is written to {@link #settlements}. */
    static final class FakeDelivery implements ReceivedDelivery {
        final String messageId;
        final String body;
        final Map<String, Object> properties;
        final long deliveryCount;
        final List<String> settlements = new CopyOnWriteArrayList<>();
        volatile RuntimeException completeFailure;

        FakeDelivery(String messageId, String body, Map<String, Object> properties, long deliveryCount) {
            this.messageId = messageId;
            this.body = body;
            this.properties = properties;
            this.deliveryCount = deliveryCount;
        }

        @Override
        public String messageId() {
            return messageId;
        }

        @Override
        public byte[] body() {
            return body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String contentType() {
            return "application/cloudevents+json; charset=utf-8";
        }

        @Override
        public String subject() {
            return "Observation";
        }

        @Override
        public String correlationId() {
            return null;
        }

        @Override
        public Map<String, Object> applicationProperties() {
            return properties;
        }

        @Override
        public long deliveryCount() {
            return deliveryCount;
        }

        @Override
        public long sequenceNumber() {
            return 42;
        }

        @Override
        public Instant enqueuedTime() {
            return Instant.parse("2026-01-01T00:00:00Z");
        }

        @Override
        public void complete() {
            if (completeFailure != null) {
                throw completeFailure;
            }
            settlements.add("complete");
        }

        @Override
        public void abandon() {
            settlements.add("abandon");
        }

        @Override
        public void deadLetter(String reason, String description) {
            settlements.add("deadLetter|" + reason + "|" + description);
        }
    }
}
