package io.fhirpipe.model.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ChannelDeclarationsTest {

    @Test
    void aConsumerReadsItsSubscriptionsQueuesAndDeadLettersOnArtemis() {
        Map<String, String> p = ChannelDeclarations.properties(
                Topology.standard(), false, List.of("synapse-loader"), List.of("chunk-loaded", "chunk-failed"));
        assertThat(p)
                .containsEntry("mp.messaging.incoming.chunk-ready.connector", "smallrye-amqp")
                .containsEntry("mp.messaging.incoming.chunk-ready.address", "chunk-ready::chunk-ready.synapse-loader")
                .containsEntry("mp.messaging.incoming.chunk-ready.failure-strategy", "modified-failed")
                .containsEntry("mp.messaging.incoming.chunk-ready.cloud-events", "false")
                .containsEntry("mp.messaging.outgoing.chunk-loaded-out.address", "chunk-loaded")
                .containsEntry("mp.messaging.outgoing.chunk-failed-out.durable", "true")
                .containsEntry("mp.messaging.outgoing.chunk-failed-out.capabilities", "multicast")
                .containsEntry("mp.messaging.outgoing.dead-letters-out.address", "chunk-ready.dead-letter")
                .containsEntry("mp.messaging.outgoing.dead-letters-out.use-anonymous-sender", "true");
    }

    @Test
    void onServiceBusEveryChannelUsesTheServiceBusConnectorAndSubscriptionPaths() {
        Map<String, String> p = ChannelDeclarations.properties(
                Topology.standard(), true, List.of("export-tracker"), List.of("export-poll-due-out=export-accepted"));
        assertThat(p)
                .containsEntry("mp.messaging.incoming.file-failed.address", "file-failed/Subscriptions/export-tracker")
                .containsEntry("mp.messaging.incoming.chunk-loaded.connector", "fhirpipe-service-bus")
                .containsEntry("mp.messaging.outgoing.export-poll-due-out.address", "export-accepted")
                .containsEntry("mp.messaging.outgoing.export-poll-due-out.connector", "fhirpipe-service-bus")
                // the first consumed topic in the topology's order
                .containsEntry("mp.messaging.outgoing.dead-letters-out.address", "export-completed.dead-letter");
        assertThat(p.keySet())
                .filteredOn(k -> k.endsWith(".connector"))
                .allSatisfy(k -> assertThat(p.get(k)).isEqualTo("fhirpipe-service-bus"));
    }

    @Test
    void aTopicOutsideTheTopologyIsRefusedAndNothingIsDeclaredForNoKeys() {
        assertThatThrownBy(() ->
                        ChannelDeclarations.properties(Topology.standard(), false, List.of(), List.of("no-such-topic")))
                .isInstanceOf(NoSuchElementException.class);
        assertThat(ChannelDeclarations.properties(Topology.standard(), false, List.of(), List.of()))
                .isEmpty();
        assertThat(ChannelDeclarations.properties(Topology.standard(), false, List.of(), List.of("chunk-ready")))
                .doesNotContainKey("mp.messaging.outgoing.dead-letters-out.address");
    }

    @Test
    void namesAreCommaSeparatedAndTrimmed() {
        assertThat(ChannelDeclarations.names(" a, b ,,c ")).containsExactly("a", "b", "c");
        assertThat(ChannelDeclarations.names(null)).isEmpty();
        assertThat(ChannelDeclarations.names("  ")).isEmpty();
    }
}
