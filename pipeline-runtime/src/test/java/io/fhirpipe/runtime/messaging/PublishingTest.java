package io.fhirpipe.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** The one publish-and-wait: the configured timeout, and what a broker that does not answer costs. */
class PublishingTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final CloudEvent<ChunkFailed> EVENT = CloudEvent.of(
            MessageType.CHUNK_FAILED,
            "/test",
            new ChunkFailed("e1", "Patient", "e1/Patient/chunk-0.ndjson", "Bad: never", NOW),
            NOW);

    static MessagingConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withMapping(MessagingConfig.class, "fhirpipe.messaging")
                .build();
        return config.getConfigMapping(MessagingConfig.class, "fhirpipe.messaging");
    }

    @Test
    void theTimeoutIsOneSettingThirtySecondsUnlessConfigured() {
        assertThat(Publishing.of(config(Map.of())).timeout()).isEqualTo(Duration.ofSeconds(30));
        Publishing configured = Publishing.of(
                config(Map.of(Publishing.TIMEOUT_KEY, "PT2S", "fhirpipe.messaging.broker", "service-bus")));
        assertThat(configured.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(configured.broker()).isEqualTo(BrokerKind.SERVICE_BUS);
        assertThatThrownBy(() -> new Publishing(BrokerKind.ARTEMIS, Duration.ZERO))
                .hasMessageContaining(Publishing.TIMEOUT_KEY);
    }

    @Test
    void aBrokerThatDoesNotTakeTheMessageInTimeIsATransientFailure() {
        List<Message<? extends String>> held = new CopyOnWriteArrayList<>();
        CloudEventPublisher publisher =
                new Publishing(BrokerKind.ARTEMIS, Duration.ofMillis(200)).to(new SinkEmitter(held::add));
        long started = System.nanoTime();
        assertThatThrownBy(() -> publisher.publishAndWait(EVENT))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("the broker did not accept " + MessageType.CHUNK_FAILED.cloudEventType());
        // waited the configured 200 ms, not the default 30 s
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(held).hasSize(1);
    }

    @Test
    void publishAndWaitReturnsOnceTheBrokerHasTheMessageAndFailsWhenItRefuses() {
        List<Message<? extends String>> accepted = new CopyOnWriteArrayList<>();
        new Publishing(BrokerKind.ARTEMIS, Duration.ofSeconds(5))
                .to(new SinkEmitter(m -> {
                    accepted.add(m);
                    m.ack();
                }))
                .publishAndWait(EVENT);
        assertThat(accepted).hasSize(1);

        CloudEventPublisher refusing = new Publishing(BrokerKind.ARTEMIS, Duration.ofSeconds(5))
                .to(new SinkEmitter(m -> m.nack(new IllegalStateException("queue full"))));
        assertThatThrownBy(() -> refusing.publishAndWait(EVENT))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("queue full");

        RawEventPublisher raw =
                new Publishing(BrokerKind.ARTEMIS, Duration.ofMillis(200)).rawTo(new SinkEmitter(m -> {}));
        assertThatThrownBy(() -> raw.publishAndWait("{}", "id-1", "Microsoft.Storage.BlobCreated", "e1", "Patient"))
                .isInstanceOf(TransientFailure.class);
    }
}
