package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.servicebus.implementation.SdkServiceBusTransport;
import io.fhirpipe.runtime.servicebus.implementation.ServiceBusTransport;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.connector.OutboundConnector;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;

/**
 * The Azure Service Bus transport as a SmallRye Reactive Messaging connector, so a service moves
 * from Artemis to Service Bus by configuration alone: its {@code @Incoming} methods and emitters do
 * not change. Built on azure-messaging-servicebus and azure-identity.
 *
 * <p>Configuration:
 * <ul>
 *   <li>once per service: {@code fhirpipe.messaging.servicebus.namespace} (with DefaultAzureCredential; optional
 *       {@code fhirpipe.messaging.servicebus.managed-identity-client-id}) or
 *       {@code fhirpipe.messaging.servicebus.connection-string}
 *       ({@link ServiceBusSettings}). All channels share one client, hence one AMQP connection, made
 *       when the first channel starts; a service without Service Bus channels never makes it.</li>
 *   <li>incoming channel: {@code connector=fhirpipe-service-bus},
 *       {@code address=<topic>/Subscriptions/<subscription>} (a subscription of {@link Topology#standard()}),
 *       optional {@code prefetch} (0), {@code max-concurrent-calls} (1), {@code max-auto-lock-renew-duration}
 *       (30m), {@code retry-min-delay} (10s) and {@code retry-max-delay} (5m); see {@link InboundChannel}
 *       for how messages are settled.</li>
 *   <li>outgoing channel: {@code connector=fhirpipe-service-bus}, {@code address=<topic>}; see
 *       {@link OutboundChannel}.</li>
 * </ul>
 */
@ApplicationScoped
@Connector(ServiceBusConnector.NAME)
public class ServiceBusConnector implements InboundConnector, OutboundConnector {

    public static final String NAME = "fhirpipe-service-bus";

    private static final Logger LOG = Logger.getLogger(ServiceBusConnector.class);

    private final Supplier<ServiceBusTransport> connect;
    private final Topology topology;
    private final Clock clock;
    private final List<InboundChannel> inbound = new CopyOnWriteArrayList<>();
    private ServiceBusTransport transport;

    public ServiceBusConnector() {
        this(ServiceBusConnector::connectFromConfig, Topology.standard(), Clock.systemUTC());
    }

    ServiceBusConnector(Supplier<ServiceBusTransport> connect, Topology topology, Clock clock) {
        this.connect = connect;
        this.topology = topology;
        this.clock = clock;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config config) {
        ChannelAttributes attributes = attributes(config);
        InboundChannel channel = new InboundChannel(InboundSettings.from(attributes, topology), transport(), clock);
        inbound.add(channel);
        return channel.stream();
    }

    @Override
    public Flow.Subscriber<? extends Message<?>> getSubscriber(Config config) {
        ChannelAttributes attributes = attributes(config);
        return new OutboundChannel(attributes.channel(), attributes.required(InboundSettings.ADDRESS), transport());
    }

    @PreDestroy
    void close() {
        inbound.forEach(InboundChannel::close);
        inbound.clear();
        synchronized (this) {
            if (transport != null) {
                transport.close();
                transport = null;
            }
        }
    }

    private synchronized ServiceBusTransport transport() {
        if (transport == null) {
            transport = connect.get();
        }
        return transport;
    }

    private static ChannelAttributes attributes(Config config) {
        String channel = config.getOptionalValue("channel-name", String.class).orElse("(unnamed)");
        return new ChannelAttributes(channel, name -> config.getOptionalValue(name, String.class));
    }

    private static ServiceBusTransport connectFromConfig() {
        Config config = ConfigProvider.getConfig();
        Function<String, Optional<String>> lookup = key -> config.getOptionalValue(key, String.class);
        ServiceBusSettings settings = ServiceBusSettings.from(lookup);
        LOG.infof("connecting to Service Bus %s", settings.describe());
        return SdkServiceBusTransport.connect(settings.clientBuilder());
    }
}
