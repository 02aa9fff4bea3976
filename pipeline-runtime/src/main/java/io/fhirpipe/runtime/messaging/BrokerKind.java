package io.fhirpipe.runtime.messaging;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;

/**
 * The AMQP 1.0 broker behind the channels. Scheduled delivery is the one thing the two spell
 * differently, so it is decided here and nowhere else.
 */
public enum BrokerKind {
    /** Apache ActiveMQ Artemis: locally and in tests. */
    ARTEMIS("x-opt-delivery-time"),
    /** Azure Service Bus. */
    SERVICE_BUS("x-opt-scheduled-enqueue-time");

    private final String scheduledDeliveryAnnotation;

    BrokerKind(String scheduledDeliveryAnnotation) {
        this.scheduledDeliveryAnnotation = scheduledDeliveryAnnotation;
    }

    /** The message annotation that holds a message back until {@code deliverAt}. */
    public String scheduledDeliveryAnnotation() {
        return scheduledDeliveryAnnotation;
    }

    /** Artemis reads epoch milliseconds (a long); Service Bus reads an AMQP timestamp. */
    public Object scheduledDeliveryValue(Instant deliverAt) {
        return this == ARTEMIS ? (Object) deliverAt.toEpochMilli() : Date.from(deliverAt);
    }

    public static BrokerKind fromConfig(String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "artemis" -> ARTEMIS;
            case "service-bus", "servicebus" -> SERVICE_BUS;
            default ->
                throw new IllegalArgumentException(
                        "unknown broker kind '" + value + "' (expected artemis or service-bus)");
        };
    }
}
