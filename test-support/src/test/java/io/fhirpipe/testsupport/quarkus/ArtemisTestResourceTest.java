package io.fhirpipe.testsupport.quarkus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.Topology;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource outside Quarkus: its configuration, overrides and lifecycle. */
class ArtemisTestResourceTest {

    @Test
    void startsABrokerThatTheReturnedConfigurationPointsAtAndStopsIt() throws IOException {
        ArtemisTestResource resource = new ArtemisTestResource();
        resource.init(Map.of());
        Map<String, String> config = resource.start();
        int port = Integer.parseInt(config.get("amqp-port"));
        try {
            assertThat(config)
                    .containsEntry("amqp-host", "127.0.0.1")
                    .containsEntry("quarkus.amqp.devservices.enabled", "false")
                    .containsKeys("amqp-username", "amqp-password");
            assertThat(config.get("amqp-password")).hasSizeGreaterThanOrEqualTo(32);
            new Socket(config.get("amqp-host"), port).close();
        } finally {
            resource.stop();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void initArgsOverrideTheDeliveryLimitsOfEverySubscription() {
        Topology topology = ArtemisTestResource.withDeliveryOverrides(
                Topology.standard(),
                Map.of(
                        ArtemisTestResource.MAX_DELIVERY_COUNT, "2",
                        ArtemisTestResource.REDELIVERY_DELAY_MS, "50"));

        assertThat(topology.topics())
                .extracting(t -> t.name())
                .containsExactlyElementsOf(
                        Topology.standard().topics().stream().map(t -> t.name()).toList());
        assertThat(topology.topics()).flatExtracting(t -> t.subscriptions()).allSatisfy(s -> {
            assertThat(s.maxDeliveryCount()).isEqualTo(2);
            assertThat(s.redeliveryDelay()).isEqualTo(Duration.ofMillis(50));
            assertThat(s.maxRedeliveryDelay()).isEqualTo(Topology.DEFAULT_MAX_REDELIVERY_DELAY);
        });
        SubscriptionDefinition untouched = ArtemisTestResource.withDeliveryOverrides(Topology.standard(), Map.of())
                .subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER);
        assertThat(untouched.maxDeliveryCount()).isEqualTo(Topology.DEFAULT_MAX_DELIVERY_COUNT);
    }

    @Test
    void aMalformedInitArgIsNamed() {
        assertThatThrownBy(() -> ArtemisTestResource.withDeliveryOverrides(
                        Topology.standard(), Map.of(ArtemisTestResource.MAX_DELIVERY_COUNT, "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ArtemisTestResource.MAX_DELIVERY_COUNT)
                .hasMessageContaining("many");
    }
}
