package io.fhirpipe.runtime.messaging;

import io.smallrye.config.WithDefault;

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
