package io.fhirpipe.model.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.Topics;
import io.fhirpipe.model.messages.MessageType;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void everyMessageTypeHasATopicAndEveryConsumedTopicADeliveryLimit() {
        Topology topology = Topology.standard();
        for (MessageType type : MessageType.values()) {
            assertThat(topology.topic(type.topic()).name()).isEqualTo(type.topic());
        }
        topology.topics()
                .forEach(t -> t.subscriptions()
                        .forEach(s -> assertThat(s.maxDeliveryCount()).isGreaterThan(1)));
    }

    @Test
    void namesAndDeadLetterAddresses() {
        Topology topology = Topology.standard();
        assertThat(topology.topic(Topics.EXPORT_REQUESTED).queueAddress("export-trigger"))
                .isEqualTo("export-requested::export-requested.export-trigger");
        assertThat(Topology.deadLetterAddress(Topics.CHUNK_READY)).isEqualTo("chunk-ready.dead-letter");
        assertThatThrownBy(() -> topology.subscription(Topics.EXPORT_REQUESTED, "nobody"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("nobody");
    }
}
