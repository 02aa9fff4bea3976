package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deploy tests see the channels a service declares by its subscriptions and topics, as it runs with them. */
class ServiceConfigTest {

    @Test
    void theChannelsOfTheTwoKeysAreExpandedForTheBrokerUnderTheServicesOwnLines() {
        ServiceConfig loader = ServiceConfig.of("synapse-loader");
        assertThat(loader.incomingSubscriptions())
                .containsExactly(Map.entry("chunk-ready", "chunk-ready/synapse-loader"));
        assertThat(loader.channels("outgoing"))
                .containsOnlyKeys("chunk-loaded-out", "chunk-failed-out", "dead-letters-out");
        assertThat(loader.connectors())
                .allSatisfy((channel, connector) ->
                        assertThat(connector).as(channel).isEqualTo(ServiceConfig.SERVICE_BUS_CONNECTOR));
        assertThat(loader.get("mp.messaging.incoming.chunk-ready.max-concurrent-calls"))
                .isEqualTo("${FHIRPIPE_LOADER_CONCURRENCY:2}");

        Map<String, String> artemis = ServiceConfig.withChannels(Map.of(
                "fhirpipe.messaging.broker", "artemis",
                "fhirpipe.messaging.subscriptions", "synapse-loader",
                "mp.messaging.incoming.chunk-ready.address", "chunk-ready::chunk-ready.loader-b"));
        assertThat(artemis)
                .containsEntry("mp.messaging.incoming.chunk-ready.connector", "smallrye-amqp")
                .containsEntry("mp.messaging.incoming.chunk-ready.address", "chunk-ready::chunk-ready.loader-b");
    }
}
