package io.fhirpipe.loadgenerator.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerQueuesTest {

    @Test
    void readsTheDepthOfEverySubscriptionQueueThroughTheManagementAddress() {
        try (EmbeddedArtemis broker = EmbeddedArtemis.start();
                AmqpTestClient client = AmqpTestClient.connect(broker);
                BrokerQueues queues = BrokerQueues.connect(broker.host(), broker.amqpPort(), broker.credentials())) {
            List<String> names = QueueNames.of(Topology.standard());
            assertThat(queues.depths(names).values()).containsOnly(0L);
            client.send(Topics.CHUNK_READY, "{}");
            client.send(Topics.CHUNK_READY, "{}");
            String chunkReady = names.stream()
                    .filter(n -> n.startsWith(Topics.CHUNK_READY + "."))
                    .findFirst()
                    .orElseThrow();
            broker.awaitMessageCount(chunkReady, 2, java.time.Duration.ofSeconds(5));
            assertThat(queues.depths(names)).containsEntry(chunkReady, 2L);
        }
    }
}
