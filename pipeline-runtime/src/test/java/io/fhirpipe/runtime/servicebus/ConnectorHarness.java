package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.model.topology.Topology;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Multi;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A connector on a {@link FakeTransport}, with a fixed clock, and a subscriber that keeps what arrives. */
final class ConnectorHarness {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    final FakeTransport transport = new FakeTransport();
    private final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
    final ServiceBusConnector connector = new ServiceBusConnector(
            () -> {
                connects.incrementAndGet();
                return transport;
            },
            Topology.standard(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    final BlockingQueue<Message<?>> received = new LinkedBlockingQueue<>();

    static Config channel(String name, Map<String, String> attributes) {
        Map<String, String> all = new HashMap<>(attributes);
        all.put("channel-name", name);
        return new SmallRyeConfigBuilder().withDefaultValues(all).build();
    }

    @SuppressWarnings("unchecked")
    ConnectorHarness subscribe(String channel, Map<String, String> attributes) {
        Flow.Publisher<Message<?>> publisher =
                (Flow.Publisher<Message<?>>) connector.getPublisher(channel(channel, attributes));
        Multi.createFrom().publisher(publisher).subscribe().with(received::add);
        return this;
    }

    /** How many times the connector made its transport (the one connection). */
    int connects() {
        return connects.get();
    }

    Message<?> next() throws InterruptedException {
        Message<?> message = received.poll(5, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message reached the consumer within 5 s");
        }
        return message;
    }
}
