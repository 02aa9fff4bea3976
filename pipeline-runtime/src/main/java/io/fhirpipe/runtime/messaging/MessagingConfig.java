package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.topology.ChannelDeclarations;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code fhirpipe.messaging.}: the same keys in every service. */
public interface MessagingConfig {

    /** artemis or service-bus: decides the scheduled-delivery annotation. */
    @WithDefault("artemis")
    String broker();

    default BrokerKind brokerKind() {
        return BrokerKind.fromConfig(broker());
    }

    /**
     * {@value Publishing#TIMEOUT_KEY}: how long a service waits for the broker to take a message
     * before it gives up and abandons its input for redelivery. The one such setting; see {@link Publishing}.
     * (ISO-8601 here so that plain SmallRye Config reads it too; Quarkus also takes {@code 30s}.)
     */
    @WithDefault("PT30S")
    Duration publishTimeout();

    /**
     * {@value ChannelDeclarations#SUBSCRIPTIONS} and {@value ChannelDeclarations#PUBLISHES}: the
     * subscriptions whose topics the service reads and the topics it publishes ({@code topic} or
     * {@code channel=topic}). TopologyChannels declares the mp.messaging channels from them; declared
     * here so that the services' own mappings know the keys.
     */
    Optional<List<String>> subscriptions();

    Optional<List<String>> publishes();

    /**
     * {@code fhirpipe.messaging.servicebus.}: where the Service Bus connector connects. Declared here,
     * in every service's configuration, so that the services' own mappings know the keys; the
     * connector reads them itself (io.fhirpipe.runtime.servicebus.ServiceBusSettings).
     */
    ServiceBus servicebus();

    interface ServiceBus {

        /** {@code <name>.servicebus.windows.net}, reached with DefaultAzureCredential. */
        Optional<String> namespace();

        /** Or a connection string (the emulator, shared access keys). A secret: never logged. */
        Optional<String> connectionString();

        /** A user-assigned managed identity, with {@link #namespace()}. */
        Optional<String> managedIdentityClientId();
    }
}
