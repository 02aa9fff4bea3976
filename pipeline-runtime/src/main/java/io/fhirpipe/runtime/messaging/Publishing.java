package io.fhirpipe.runtime.messaging;

import java.time.Duration;
import java.util.Objects;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * How a service publishes, the same for all its topics: which broker (it decides how scheduled
 * delivery is spelled) and how long to wait for the broker to take a message ({@value #TIMEOUT_KEY},
 * default 30 s). A service makes one from its configuration and wraps each outgoing channel with it:
 *
 * <pre>{@code
 * Publishing publishing = Publishing.of(config.messaging());
 * CloudEventPublisher chunkReady = publishing.to(chunkReadyEmitter);
 * chunkReady.publishAndWait(event);
 * }</pre>
 */
public record Publishing(BrokerKind broker, Duration timeout) {

    public static final String TIMEOUT_KEY = "fhirpipe.messaging.publish-timeout";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public Publishing {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(TIMEOUT_KEY + " must be positive, got " + timeout);
        }
    }

    public static Publishing of(MessagingConfig config) {
        return new Publishing(config.brokerKind(), config.publishTimeout());
    }

    /** Publishes fhirpipe CloudEvents to the topic of {@code channel}. */
    public CloudEventPublisher to(Emitter<String> channel) {
        return new CloudEventPublisher(channel, this);
    }

    /** Publishes bodies that are not fhirpipe CloudEvents (storage events) to the topic of {@code channel}. */
    public RawEventPublisher rawTo(Emitter<String> channel) {
        return new RawEventPublisher(channel, this);
    }
}
