package io.fhirpipe.model.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.storage.Containers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BicepTopologyTest {

    @Test
    void committedTopologyJsonIsTheGeneratedOne() throws IOException {
        Path root = ServiceBusEmulatorConfig.findRepositoryRoot(Paths.get(System.getProperty("user.dir")));
        Path committed = root.resolve(BicepTopology.RELATIVE_PATH);
        assertThat(committed).as("%s is missing", committed).isRegularFile();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as(
                        "%s is out of date; regenerate it at the repository root with: mvn -q -pl shared-model compile"
                                + " org.codehaus.mojo:exec-maven-plugin:3.5.1:java"
                                + " -Dexec.mainClass=io.fhirpipe.model.topology.BicepTopology",
                        BicepTopology.RELATIVE_PATH)
                .isEqualTo(BicepTopology.render(Topology.standard()));
    }

    @Test
    void everyTopicSubscriptionAndDeadLetterQueueWithTheTopologysSettings() {
        Topology topology = Topology.standard();
        JsonNode root = BicepTopology.generate(topology, BicepTopology.SERVICES);
        assertThat(names(root.path("topics"), "name"))
                .containsExactlyElementsOf(
                        topology.topics().stream().map(TopicDefinition::name).toList());
        assertThat(names(root.path("deadLetterQueues"), "name"))
                .containsExactlyElementsOf(topology.topics().stream()
                        .map(t -> Topology.deadLetterAddress(t.name()))
                        .toList());
        List<String> subscriptions = new ArrayList<>();
        root.path("subscriptions")
                .forEach(s -> subscriptions.add(
                        s.path("topic").asText() + "/" + s.path("name").asText()));
        assertThat(subscriptions).containsExactlyElementsOf(BicepTopology.subscriptionPaths(topology));

        root.path("topics").forEach(t -> {
            JsonNode p = t.path("properties");
            assertThat(p.path("requiresDuplicateDetection").asBoolean()).isTrue();
            assertThat(p.path("duplicateDetectionHistoryTimeWindow").asText()).isEqualTo("PT10M");
            assertThat(p.path("defaultMessageTimeToLive").asText()).isEqualTo("P14D");
        });
        root.path("deadLetterQueues")
                .forEach(q -> assertThat(q.path("properties")
                                .path("requiresDuplicateDetection")
                                .asBoolean())
                        .isFalse());
        root.path("subscriptions").forEach(s -> {
            SubscriptionDefinition defined = topology.subscription(
                    s.path("topic").asText(), s.path("name").asText());
            JsonNode p = s.path("properties");
            assertThat(p.path("maxDeliveryCount").asInt()).isEqualTo(defined.maxDeliveryCount());
            assertThat(p.path("lockDuration").asText()).isEqualTo("PT5M");
            assertThat(p.path("deadLetteringOnMessageExpiration").asBoolean()).isTrue();
            assertThat(p.path("forwardDeadLetteredMessagesTo").asText())
                    .isEqualTo(Topology.deadLetterAddress(s.path("topic").asText()));
            assertThat(s.path("rule").path("name").asText()).isEqualTo("$Default");
            assertThat(s.path("rule").path("sqlExpression").asText())
                    .isEqualTo(defined.routingFilter())
                    .contains("'" + defined.name() + "'");
        });
        assertThat(names(root.path("containers"), null)).containsExactlyElementsOf(Containers.ALL);
        assertThat(root.path("eventGrid").path("topic").asText()).isEqualTo(Topics.BLOB_CREATED);
        assertThat(root.path("eventGrid").path("subjectBeginsWith").asText())
                .isEqualTo("/blobServices/default/containers/landing/");
        assertThat(names(root.path("eventGrid").path("apis"), null))
                .containsExactly("PutBlob", "PutBlockList", "FlushWithClose", "CopyBlob");
    }

    @Test
    void everySubscriptionHasExactlyOneReceivingServiceThatMaySendRetryCopiesToItsTopic() {
        Topology topology = Topology.standard();
        List<String> received = new ArrayList<>();
        for (BicepTopology.Service service : BicepTopology.SERVICES) {
            for (BicepTopology.Receive r : service.receives()) {
                received.add(r.topic() + "/" + r.subscription());
                assertThat(service.sendTopics())
                        .as("%s sends retry copies to %s", service.name(), r.topic())
                        .contains(r.topic());
            }
        }
        assertThat(received)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(BicepTopology.subscriptionPaths(topology));

        JsonNode root = BicepTopology.generate(topology, BicepTopology.SERVICES);
        assertThat(root.path("receiverAssignments").size()).isEqualTo(received.size());
        Set<String> senders = new TreeSet<>();
        root.path("senderAssignments")
                .forEach(a -> senders.add(
                        a.path("service").asText() + ">" + a.path("topic").asText()));
        assertThat(senders)
                .contains(
                        "ndjson-splitter>" + Topics.CHUNK_READY,
                        "synapse-loader>" + Topics.CHUNK_READY,
                        "export-trigger>" + Topics.EXPORT_LOADED)
                // Event Grid publishes blob-created on Azure, not the poller's transfer
                .doesNotContain("export-poller>" + Topics.BLOB_CREATED);
        assertThat(BicepTopology.SERVICES.stream()
                        .filter(s -> s.minReplicas() > 0)
                        .map(BicepTopology.Service::name))
                .containsExactly("export-trigger");
    }

    @Test
    void aServiceReceivingFromASubscriptionTheTopologyLacksFails() {
        List<BicepTopology.Service> wrong = List.of(new BicepTopology.Service(
                "x", 1, 0, List.of(new BicepTopology.Receive(Topics.CHUNK_READY, "nobody")), List.of()));
        assertThatThrownBy(() -> BicepTopology.generate(Topology.standard(), wrong))
                .hasMessageContaining("nobody");
    }

    @Test
    void routingFilterLetsRetryCopiesOnlyToTheirSubscriptionAndKeepsAnOwnFilter() {
        SubscriptionDefinition loader = new SubscriptionDefinition(
                Subscriptions.SYNAPSE_LOADER, 10, Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(loader.routingFilter())
                .isEqualTo("NOT EXISTS([fhirpipe-retry-for]) OR [fhirpipe-retry-for] = 'synapse-loader'");
        assertThat(loader.withFilter("resourceType IN ('Observation')").routingFilter())
                .isEqualTo("(resourceType IN ('Observation')) AND (NOT EXISTS([fhirpipe-retry-for])"
                        + " OR [fhirpipe-retry-for] = 'synapse-loader')");
        assertThatThrownBy(() -> new SubscriptionDefinition("it's", 1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isoDurationsAsAzureWritesThem() {
        assertThat(BicepTopology.iso(Duration.ofDays(14))).isEqualTo("P14D");
        assertThat(BicepTopology.iso(Duration.ofMinutes(10))).isEqualTo("PT10M");
        assertThat(BicepTopology.iso(Duration.ofHours(25))).isEqualTo("PT25H");
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(field == null ? n.asText() : n.path(field).asText()));
        return names;
    }
}
