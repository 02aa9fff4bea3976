package io.fhirpipe.runtime.messaging;

import io.smallrye.config.WithDefault;

/** {@code fhirpipe.messaging.}: the same keys in every service. */
public interface MessagingConfig {

    /** artemis or service-bus: decides the scheduled-delivery annotation. */
    @WithDefault("artemis")
    String broker();

    default BrokerKind brokerKind() {
        return BrokerKind.fromConfig(broker());
    }
}
