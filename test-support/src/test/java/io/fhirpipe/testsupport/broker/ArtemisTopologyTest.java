package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.junit.jupiter.api.Test;

/** Topologies Artemis cannot reproduce faithfully are refused, not approximated. */
class ArtemisTopologyTest {

    @Test
    void subscriptionsOfOneTopicWithDifferentDeliveryLimitsAreRefused() {
        Topology topology = new Topology(List.of(new TopicDefinition(
                "t",
                List.of(
                        new SubscriptionDefinition("a", 3, Duration.ZERO, Duration.ZERO),
                        new SubscriptionDefinition("b", 5, Duration.ZERO, Duration.ZERO)))));

        assertThatThrownBy(() -> ArtemisTopology.configure(topology, new ConfigurationImpl(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'")
                .hasMessageContaining("'b'")
                .hasMessageContaining("'t'");
    }

    @Test
    void namesWithWildcardsOrTheFqqnSeparatorAreRefused() {
        for (String name : List.of("a#", "a*b", "a::b")) {
            Topology topology = new Topology(List.of(new TopicDefinition(name, List.of())));
            assertThatThrownBy(() -> ArtemisTopology.configure(topology, new ConfigurationImpl(), false))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name);
        }
    }
}
