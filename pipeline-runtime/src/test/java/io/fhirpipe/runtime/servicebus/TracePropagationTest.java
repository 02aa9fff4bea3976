package io.fhirpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.runtime.logging.LogContext;
import io.fhirpipe.runtime.messaging.BrokerKind;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.fhirpipe.runtime.messaging.Publishing;
import io.fhirpipe.runtime.messaging.SinkEmitter;
import io.fhirpipe.runtime.servicebus.FakeTransport.FakeDelivery;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import io.vertx.amqp.AmqpMessage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #15, tracing: a consumer continues the trace an incoming message carries in its application
 * properties ({@code traceparent}), on SmallRye AMQP (Artemis) and on the Service Bus connector alike,
 * and what it publishes while it works carries the same trace on, through the Service Bus connector
 * too; the export and chunk ids are in the logging MDC for the work and gone after it.
 */
class TracePropagationTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @BeforeAll
    static void installSdk() {
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                        .build())
                .build());
    }

    @AfterAll
    static void removeSdk() {
        GlobalOpenTelemetry.resetForTest();
    }

    @BeforeEach
    void clear() {
        SPANS.reset();
    }

    @Test
    void anArtemisMessageIsHandledInItsTraceAndWhatIsPublishedMeanwhileCarriesItOn() throws Exception {
        AmqpMessage amqp = AmqpMessage.create()
                .id("m1")
                .withBody("{}")
                .applicationProperties(new JsonObject()
                        .put(Tracing.TRACEPARENT, TRACEPARENT)
                        .put(MessageProperties.EXPORT_ID, "exp-1")
                        .put(MessageProperties.CHUNK_ID, "exp-1/Observation/000000.ndjson"))
                .build();
        Message<String> incoming = Message.of("{}", Metadata.of(new IncomingAmqpMetadata(amqp)));
        List<Message<? extends String>> sent = new ArrayList<>();
        CloudEventPublisher publisher = new Publishing(BrokerKind.ARTEMIS, Publishing.DEFAULT_TIMEOUT)
                .to(new SinkEmitter(m -> {
                    sent.add(m);
                    m.ack();
                }));

        try (MessageWork ignored = MessageWork.start(incoming, "chunk-ready")) {
            assertThat(Span.current().getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
            assertThat(MDC.get(LogContext.EXPORT_ID)).isEqualTo("exp-1");
            assertThat(MDC.get(LogContext.CHUNK_ID)).isEqualTo("exp-1/Observation/000000.ndjson");
            publisher.publish(TestEvents.chunkReady()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(MDC.get(LogContext.EXPORT_ID)).isNull();
        assertThat(MDC.get(LogContext.CHUNK_ID)).isNull();

        JsonObject properties = sent.get(0)
                .getMetadata(OutgoingAmqpMetadata.class)
                .orElseThrow()
                .getProperties();
        String traceparent = properties.getString(Tracing.TRACEPARENT);
        assertThat(traceparent).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
        assertThat(properties.getString(MessageProperties.CHUNK_ID))
                .isEqualTo(TestEvents.chunkReady().data().chunkBlob());

        SpanData consumer = span(SpanKind.CONSUMER);
        SpanData producer = span(SpanKind.PRODUCER);
        assertThat(consumer.getParentSpanId()).as("the sender's span").isEqualTo("00f067aa0ba902b7");
        assertThat(consumer.getAttributes().get(Tracing.EXPORT_ID)).isEqualTo("exp-1");
        assertThat(producer.getParentSpanId()).isEqualTo(consumer.getSpanId());
        assertThat(traceparent).contains(producer.getSpanId());
    }

    @Test
    void aMessageWithoutTraceContextStartsATraceOfItsOwn() {
        Message<String> posted = Message.of("{}");
        String traceId;
        try (MessageWork ignored = MessageWork.start(posted, "export-requested")) {
            traceId = Span.current().getSpanContext().getTraceId();
        }
        assertThat(span(SpanKind.CONSUMER).getTraceId()).isEqualTo(traceId);
        assertThat(span(SpanKind.CONSUMER).getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void onServiceBusTheTraceGoesOutInApplicationPropertiesAndComesBackIntoTheConsumer() throws Exception {
        // outgoing: a publisher inside a span, through the connector, onto the (fake) topic
        ConnectorHarness outgoing = new ConnectorHarness();
        @SuppressWarnings("unchecked")
        Flow.Subscriber<Message<?>> subscriber = (Flow.Subscriber<Message<?>>) outgoing.connector.getSubscriber(
                ConnectorHarness.channel("chunk-ready-out", Map.of("address", Topics.CHUNK_READY)));
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        Emitter<String> emitter = new SinkEmitter(subscriber::onNext);
        String traceId;
        Span work = Tracing.tracer().spanBuilder("work").startSpan();
        try (Scope ignored = work.makeCurrent()) {
            traceId = work.getSpanContext().getTraceId();
            new Publishing(BrokerKind.SERVICE_BUS, Publishing.DEFAULT_TIMEOUT)
                    .to(emitter)
                    .publish(TestEvents.chunkReady())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } finally {
            work.end();
        }
        OutgoingServiceBusMessage sent =
                outgoing.transport.sender(Topics.CHUNK_READY).sent.get(0);
        assertThat((String) sent.applicationProperties().get(Tracing.TRACEPARENT))
                .contains(traceId);

        // incoming: the same properties delivered to a subscription; the consumer continues the trace
        ConnectorHarness incoming = new ConnectorHarness()
                .subscribe(
                        "chunk-ready",
                        Map.of("address", Topics.CHUNK_READY + "/Subscriptions/" + Subscriptions.SYNAPSE_LOADER));
        incoming.transport
                .onlyProcessor()
                .deliver(new FakeDelivery(
                        "m2",
                        new String(sent.body(), java.nio.charset.StandardCharsets.UTF_8),
                        sent.applicationProperties(),
                        0));
        Message<?> received = incoming.next();
        String consumedIn;
        try (MessageWork ignored = MessageWork.start(received, "chunk-ready")) {
            consumedIn = Span.current().getSpanContext().getTraceId();
            assertThat(MDC.get(LogContext.EXPORT_ID)).isEqualTo("exp-1");
        }
        received.ack().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(consumedIn).isEqualTo(traceId);
    }

    private static SpanData span(SpanKind kind) {
        List<SpanData> spans = SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind)
                .toList();
        assertThat(spans).as("%s spans", kind).hasSize(1);
        return spans.get(0);
    }
}
