package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's broker keeps unconsumed messages across a restart on the same data directory. */
class PersistentArtemisTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dataDirectory;

    @Test
    void aRestartedBrokerStillHoldsDurableMessagesAndTheTopology() {
        String queue = ArtemisNames.subscriptionQueue(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER);
        try (EmbeddedArtemis broker =
                        EmbeddedArtemis.builder().dataDirectory(dataDirectory).start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            client.send(Topics.CHUNK_READY, "survives");
            broker.awaitMessageCount(queue, 1, WAIT);
        }
        assertThat(dataDirectory.resolve("journal")).isDirectory();

        try (EmbeddedArtemis broker =
                        EmbeddedArtemis.builder().dataDirectory(dataDirectory).start();
                AmqpTestClient client = AmqpTestClient.connect(broker)) {
            assertThat(broker.messageCount(queue)).isEqualTo(1);
            assertThat(client.receive(
                            ArtemisNames.consumerAddress(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER), WAIT))
                    .map(ReceivedMessage::body)
                    .contains("survives");
        }
        assertThat(Files.exists(dataDirectory))
                .as("a given data directory is kept")
                .isTrue();
    }

    @Test
    void aNonPersistentBrokerLeavesNothingBehind() {
        Path scratch;
        try (EmbeddedArtemis broker = EmbeddedArtemis.start(Topology.standard())) {
            scratch = Path.of(
                    broker.server().getConfiguration().getJournalLocation().getParent());
            assertThat(broker.server().getConfiguration().isPersistenceEnabled())
                    .isFalse();
            assertThat(scratch).isDirectory();
        }
        assertThat(scratch).doesNotExist();
    }
}
