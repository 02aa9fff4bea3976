package io.fhirpipe.exporttrigger.deadletters;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.BrokerKind;
import io.fhirpipe.runtime.servicebus.ServiceBusSettings;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import org.eclipse.microprofile.config.ConfigProvider;

/** The {@link DeadLetters} of the configured broker ({@code fhirpipe.messaging.broker}). */
@ApplicationScoped
class DeadLettersBeans {

    @Produces
    @ApplicationScoped
    DeadLetters deadLetters(TriggerConfig config, Vertx vertx, Clock clock) {
        org.eclipse.microprofile.config.Config mp = ConfigProvider.getConfig();
        Topology topology = Topology.standard();
        if (config.messaging().brokerKind() == BrokerKind.SERVICE_BUS) {
            ServiceBusSettings settings = ServiceBusSettings.from(name -> mp.getOptionalValue(name, String.class));
            return new ServiceBusDeadLetters(new SdkDeadLetterEntities(settings), topology, clock);
        }
        // The same broker and user as the service's AMQP channels (the smallrye-amqp connector's keys).
        return new ArtemisDeadLetters(
                vertx,
                topology,
                new ArtemisDeadLetters.Broker(
                        mp.getOptionalValue("amqp-host", String.class).orElse("localhost"),
                        mp.getOptionalValue("amqp-port", Integer.class).orElse(5672),
                        mp.getOptionalValue("amqp-username", String.class).orElse(null),
                        mp.getOptionalValue("amqp-password", String.class).orElse(null)),
                clock);
    }

    void close(@Disposes DeadLetters deadLetters) {
        if (deadLetters instanceof ServiceBusDeadLetters serviceBus) {
            serviceBus.close();
        }
    }
}
