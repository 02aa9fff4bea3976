package io.fhirpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.BrokerKind;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.DeadLetterPublisher;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.messaging.Publishing;
import io.fhirpipe.runtime.messaging.SinkEmitter;
import io.fhirpipe.runtime.servicebus.FakeTransport.FakeSender;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Service Bus connector's outgoing side: what the services' publishers put in SmallRye AMQP's
 * metadata arrives as the Service Bus message's id, content type, subject and application properties,
 * a delayed message is scheduled, and a message is acked only once Service Bus has it.
 */
class ServiceBusOutboundTest {

    final ConnectorHarness harness = new ConnectorHarness();
    Flow.Subscriber<Message<?>> subscriber;
    final AtomicReference<String> ackedOrNacked = new AtomicReference<>();

    @BeforeEach
    @SuppressWarnings("unchecked")
    void subscribe() {
        subscriber = (Flow.Subscriber<Message<?>>) harness.connector.getSubscriber(
                ConnectorHarness.channel("chunk-ready-out", Map.of("address", Topics.CHUNK_READY)));
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
    }

    /** An emitter that hands its messages to the connector, as SmallRye does for an emitter's channel. */
    final Emitter<String> emitter = new SinkEmitter(message -> subscriber.onNext(message));

    FakeSender topic() {
        return harness.transport.sender(Topics.CHUNK_READY);
    }

    Message<String> tracked(String body, OutgoingAmqpMetadata metadata) {
        return Message.of(
                body,
                Metadata.of(metadata),
                () -> {
                    ackedOrNacked.set("ack");
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    ackedOrNacked.set("nack: " + failure.getMessage());
                    return CompletableFuture.completedFuture(null);
                });
    }

    @Test
    void aCloudEventKeepsItsIdAsMessageIdAndItsRoutingAsApplicationProperties() throws Exception {
        CloudEventPublisher publisher = new Publishing(BrokerKind.SERVICE_BUS, Publishing.DEFAULT_TIMEOUT).to(emitter);
        var event = TestEvents.chunkReady();
        publisher.publish(event).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(topic().sent).hasSize(1);
        OutgoingServiceBusMessage sent = topic().sent.get(0);
        assertThat(sent.messageId()).isEqualTo(event.id());
        assertThat(sent.contentType()).isEqualTo(MessageProperties.CONTENT_TYPE);
        assertThat(sent.subject()).isEqualTo(event.subject());
        assertThat(sent.applicationProperties())
                .containsEntry(MessageProperties.EVENT_TYPE, event.type())
                .containsEntry(MessageProperties.EXPORT_ID, event.data().exportId())
                .containsEntry(MessageProperties.RESOURCE_TYPE, event.subject());
        assertThat(new String(sent.body())).contains("\"id\":\"" + event.id() + "\"");
        assertThat(topic().scheduled).isEmpty();
    }

    @Test
    void aDelayedCloudEventIsScheduledWithAnIdPerAttempt() throws Exception {
        CloudEventPublisher publisher = new Publishing(BrokerKind.SERVICE_BUS, Publishing.DEFAULT_TIMEOUT).to(emitter);
        var event = TestEvents.chunkReady();
        Instant at = Instant.parse("2026-12-03T12:05:00Z");
        publisher.publishAt(event, at, "poll-3").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(topic().sent).isEmpty();
        assertThat(topic().scheduled).hasSize(1);
        assertThat(topic().scheduled.get(0).enqueueAt()).isEqualTo(at);
        assertThat(topic().scheduled.get(0).message().messageId()).isEqualTo(event.id() + "/poll-3");
    }

    @Test
    void artemisSpellingOfADelayIsScheduledToo() {
        Instant at = Instant.parse("2026-12-03T12:05:00Z");
        OutgoingAmqpMetadata metadata = OutgoingAmqpMetadata.builder()
                .withMessageId("m1")
                .withMessageAnnotations(
                        BrokerKind.ARTEMIS.scheduledDeliveryAnnotation(), BrokerKind.ARTEMIS.scheduledDeliveryValue(at))
                .build();
        subscriber.onNext(tracked("{}", metadata));
        assertThat(topic().scheduled.get(0).enqueueAt()).isEqualTo(at);
    }

    @Test
    void aMessageIsAckedOnlyOnceServiceBusHasIt() {
        CompletableFuture<Void> broker = new CompletableFuture<>();
        topic().sendOutcome = () -> broker;
        subscriber.onNext(
                tracked("{}", OutgoingAmqpMetadata.builder().withMessageId("m1").build()));
        assertThat(ackedOrNacked.get()).isNull();
        broker.complete(null);
        assertThat(ackedOrNacked.get()).isEqualTo("ack");
    }

    @Test
    void aRefusedMessageIsNacked() {
        topic().sendOutcome = () -> CompletableFuture.failedFuture(new IllegalStateException("QuotaExceeded"));
        subscriber.onNext(
                tracked("{}", OutgoingAmqpMetadata.builder().withMessageId("m1").build()));
        assertThat(ackedOrNacked.get()).isEqualTo("nack: QuotaExceeded");
    }

    @Test
    void aMessageNamingItsAddressGoesThere() throws Exception {
        new DeadLetterPublisher(emitter)
                .deadLetter(Topics.CHUNK_READY, "synapse-loader", "{}", "m1", "Bad", "x")
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        FakeSender deadLetters = harness.transport.sender(Topology.deadLetterAddress(Topics.CHUNK_READY));
        assertThat(deadLetters.sent).hasSize(1);
        assertThat(deadLetters.sent.get(0).applicationProperties())
                .containsEntry(MessageProperties.DEAD_LETTER_REASON, "Bad");
        assertThat(topic().sent).isEmpty();
    }

    @Test
    void aPlainMessageIsSentAsItsText() {
        subscriber.onNext(Message.of("hello"));
        assertThat(new String(topic().sent.get(0).body())).isEqualTo("hello");
        assertThat(topic().sent.get(0).messageId()).isNull();
    }

    @Test
    void allChannelsShareOneTransport() {
        harness.connector.getSubscriber(ConnectorHarness.channel("other-out", Map.of("address", Topics.CHUNK_LOADED)));
        harness.connector.getPublisher(
                ConnectorHarness.channel("chunk-ready", Map.of("address", "chunk-ready/Subscriptions/synapse-loader")));
        // one FakeTransport made once: the connector asked its supplier a single time
        assertThat(harness.connects()).isEqualTo(1);
    }
}
