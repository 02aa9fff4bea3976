package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.topology.ChannelDeclarations;
import io.fhirpipe.model.topology.Topology;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Declares a service's channels ({@code mp.messaging.*}) from {@link Topology#standard()} and its
 * {@link ChannelDeclarations#SUBSCRIPTIONS} and {@link ChannelDeclarations#PUBLISHES}, for the broker
 * it runs on ({@code fhirpipe.messaging.broker}), so that a service names what it reads and writes,
 * never a transport. The ordinal is below application.properties', so a line a service writes itself
 * (a channel's concurrency, lock renewal) adds to or overrides what is generated here. Nothing is
 * declared for a service that sets neither key.
 */
public final class TopologyChannels implements ConfigSourceFactory {

    static final String BROKER = "fhirpipe.messaging.broker";
    /** Below application.properties (250) and everything above it (environment, system properties). */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> subscriptions = ChannelDeclarations.names(value(context, ChannelDeclarations.SUBSCRIPTIONS));
        List<String> publishes = ChannelDeclarations.names(value(context, ChannelDeclarations.PUBLISHES));
        if (subscriptions.isEmpty() && publishes.isEmpty()) {
            return List.of();
        }
        String broker = value(context, BROKER);
        boolean serviceBus = BrokerKind.fromConfig(broker == null ? "artemis" : broker) == BrokerKind.SERVICE_BUS;
        return List.of(new PropertiesConfigSource(
                ChannelDeclarations.properties(Topology.standard(), serviceBus, subscriptions, publishes),
                "fhirpipe topology channels",
                ORDINAL));
    }

    private static String value(ConfigSourceContext context, String key) {
        ConfigValue value = context.getValue(key);
        return value == null ? null : value.getValue();
    }
}
