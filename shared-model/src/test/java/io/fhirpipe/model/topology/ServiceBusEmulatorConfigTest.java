package io.fhirpipe.model.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ServiceBusEmulatorConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void committedConfigJsonIsTheGeneratedOne() throws IOException {
        Path root = ServiceBusEmulatorConfig.findRepositoryRoot(Paths.get(System.getProperty("user.dir")));
        Path committed = root.resolve(ServiceBusEmulatorConfig.RELATIVE_PATH);
        assertThat(committed).as("%s is missing", committed).isRegularFile();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as(
                        "%s is out of date; regenerate it at the repository root with: mvn -q -pl shared-model compile"
                                + " org.codehaus.mojo:exec-maven-plugin:3.5.1:java"
                                + " -Dexec.mainClass=io.fhirpipe.model.topology.ServiceBusEmulatorConfig",
                        ServiceBusEmulatorConfig.RELATIVE_PATH)
                .isEqualTo(ServiceBusEmulatorConfig.render(Topology.standard()));
    }

    @Test
    void everyTopicAndSubscriptionOfTheStandardTopologyWithItsDeliveryLimit() {
        Topology topology = Topology.standard();
        JsonNode namespace = onlyNamespace(ServiceBusEmulatorConfig.generate(topology));
        assertThat(namespace.path("Name").asText()).isEqualTo("sbemulatorns");

        Map<String, JsonNode> topics = byName(namespace.path("Topics"));
        assertThat(topics.keySet())
                .containsExactlyElementsOf(
                        topology.topics().stream().map(TopicDefinition::name).toList());
        for (TopicDefinition topic : topology.topics()) {
            Map<String, JsonNode> subscriptions =
                    byName(topics.get(topic.name()).path("Subscriptions"));
            if (topic.subscriptions().isEmpty()) {
                assertThat(subscriptions.keySet()).containsExactly(ServiceBusEmulatorConfig.OBSERVER_SUBSCRIPTION);
                continue;
            }
            assertThat(subscriptions.keySet())
                    .containsExactlyElementsOf(topic.subscriptions().stream()
                            .map(SubscriptionDefinition::name)
                            .toList());
            for (SubscriptionDefinition subscription : topic.subscriptions()) {
                JsonNode properties = subscriptions.get(subscription.name()).path("Properties");
                assertThat(properties.path("MaxDeliveryCount").asInt()).isEqualTo(subscription.maxDeliveryCount());
                assertThat(properties.path("DeadLetteringOnMessageExpiration").asBoolean())
                        .isTrue();
                assertThat(properties.path("ForwardDeadLetteredMessagesTo").asText())
                        .isEqualTo(topic.name() + ".dead-letter");
                assertThat(properties.path("RequiresSession").asBoolean()).isFalse();
                JsonNode rules = subscriptions.get(subscription.name()).path("Rules");
                assertThat(rules.size())
                        .as("rules of %s/%s", topic.name(), subscription.name())
                        .isEqualTo(1);
                assertThat(rules.get(0).path("Name").asText())
                        .isEqualTo("fhirpipe-route")
                        .matches("^[A-Za-z0-9][\\w-\\.\\/]*[A-Za-z0-9]$");
                assertThat(rules.get(0).path("Properties").path("FilterType").asText())
                        .isEqualTo("Sql");
                assertThat(rules.get(0)
                                .path("Properties")
                                .path("SqlFilter")
                                .path("SqlExpression")
                                .asText())
                        .isEqualTo(subscription.routingFilter());
            }
            JsonNode topicProperties = topics.get(topic.name()).path("Properties");
            assertThat(topicProperties.path("RequiresDuplicateDetection").asBoolean())
                    .isTrue();
            assertThat(topicProperties
                            .path("DuplicateDetectionHistoryTimeWindow")
                            .asText())
                    .isEqualTo("PT5M");
        }
        // Spot checks of names the services hard-wire, so a renamed constant shows up here too.
        assertThat(byName(topics.get(Topics.CHUNK_READY).path("Subscriptions")))
                .containsOnlyKeys(Subscriptions.SYNAPSE_LOADER);
        assertThat(byName(topics.get(Topics.EXPORT_LOADED).path("Subscriptions")))
                .containsOnlyKeys("observer");
    }

    @Test
    void aDeadLetterQueuePerTopicAndEveryForwardTargetExists() {
        Topology topology = Topology.standard();
        JsonNode namespace = onlyNamespace(ServiceBusEmulatorConfig.generate(topology));
        Set<String> queues = byName(namespace.path("Queues")).keySet();
        assertThat(queues)
                .containsExactlyElementsOf(topology.topics().stream()
                        .map(t -> Topology.deadLetterAddress(t.name()))
                        .toList());
        namespace
                .path("Topics")
                .forEach(topic -> topic.path("Subscriptions")
                        .forEach(s -> assertThat(queues)
                                .contains(s.path("Properties")
                                        .path("ForwardDeadLetteredMessagesTo")
                                        .asText())));
        namespace
                .path("Queues")
                .forEach(q -> assertThat(q.path("Properties")
                                .path("ForwardDeadLetteredMessagesTo")
                                .asText())
                        .isEmpty());
        // A dead letter that comes again after a replay must arrive: no duplicate detection on the queues.
        namespace
                .path("Queues")
                .forEach(q -> assertThat(q.path("Properties")
                                .path("RequiresDuplicateDetection")
                                .asBoolean())
                        .isFalse());
    }

    @Test
    void staysWithinTheEmulatorsLimits() {
        JsonNode root = ServiceBusEmulatorConfig.generate(Topology.standard());
        JsonNode namespace = onlyNamespace(root);
        assertThat(namespace.path("Queues").size() + namespace.path("Topics").size())
                .isEqualTo(24)
                .isLessThanOrEqualTo(50);
        assertThat(root.path("UserConfig").path("Logging").path("Type").asText())
                .isEqualTo("File,Console");
        List<JsonNode> entityProperties = new ArrayList<>();
        namespace.path("Queues").forEach(q -> entityProperties.add(q.path("Properties")));
        namespace.path("Topics").forEach(t -> {
            entityProperties.add(t.path("Properties"));
            t.path("Subscriptions").forEach(s -> entityProperties.add(s.path("Properties")));
        });
        for (JsonNode properties : entityProperties) {
            assertThat(properties.path("DefaultMessageTimeToLive").asText()).isEqualTo("PT1H");
            if (properties.has("MaxDeliveryCount")) {
                assertThat(properties.path("MaxDeliveryCount").asInt()).isBetween(1, 10);
            }
            if (properties.has("DuplicateDetectionHistoryTimeWindow")) {
                assertThat(properties
                                .path("DuplicateDetectionHistoryTimeWindow")
                                .asText())
                        .isIn("PT20S", "PT5M");
            }
            if (properties.has("LockDuration")) {
                assertThat(properties.path("LockDuration").asText()).isIn("PT1M", "PT5M");
            }
        }
    }

    @Test
    void refusesWhatTheEmulatorWouldRefuse() {
        Topology tooManyDeliveries = new Topology(List.of(new TopicDefinition(
                "t", List.of(new SubscriptionDefinition("s", 11, Duration.ofSeconds(1), Duration.ofSeconds(2))))));
        assertThatThrownBy(() -> ServiceBusEmulatorConfig.generate(tooManyDeliveries))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDeliveryCount 11");

        Topology tooManyEntities = new Topology(IntStream.range(0, 26)
                .mapToObj(i -> new TopicDefinition("topic-" + i, List.of()))
                .toList());
        assertThatThrownBy(() -> ServiceBusEmulatorConfig.generate(tooManyEntities))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 52");
        Topology twentyFiveTopics = new Topology(IntStream.range(0, 25)
                .mapToObj(i -> new TopicDefinition("topic-" + i, List.of()))
                .toList());
        assertThat(onlyNamespace(ServiceBusEmulatorConfig.generate(twentyFiveTopics))
                        .path("Queues")
                        .size())
                .isEqualTo(25);
    }

    @Test
    void azureLengthsAreCappedAtTheEmulatorsMaximum() {
        assertThat(ServiceBusEmulatorConfig.capped(Topology.DUPLICATE_DETECTION_WINDOW, Duration.ofMinutes(5)))
                .isEqualTo("PT5M");
        assertThat(ServiceBusEmulatorConfig.capped(Duration.ofSeconds(30), Duration.ofMinutes(5)))
                .isEqualTo("PT30S");
        assertThat(ServiceBusEmulatorConfig.MESSAGE_TIME_TO_LIVE).isEqualTo("PT1H");
        assertThat(ServiceBusEmulatorConfig.LOCK_DURATION).isEqualTo("PT5M");
    }

    @Test
    void renderingIsStableTextWithUnixLineEnds() {
        String text = ServiceBusEmulatorConfig.render(Topology.standard());
        assertThat(text).doesNotContain("\r").endsWith("}\n").startsWith("{\n  \"UserConfig\": {\n");
        assertThat(text).isEqualTo(ServiceBusEmulatorConfig.render(Topology.standard()));
    }

    @Test
    void serviceBusSubscriptionAddress() {
        assertThat(ServiceBusEmulatorConfig.subscriptionAddress(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER))
                .isEqualTo("chunk-ready/Subscriptions/synapse-loader");
    }

    @Test
    void findsTheRepositoryRootFromASubdirectory(@org.junit.jupiter.api.io.TempDir Path temp) throws IOException {
        Files.createDirectories(temp.resolve("deploy"));
        Path nested = Files.createDirectories(temp.resolve("a/b/c"));
        assertThat(ServiceBusEmulatorConfig.findRepositoryRoot(nested))
                .isEqualTo(temp.toAbsolutePath().normalize());
    }

    private static JsonNode onlyNamespace(JsonNode root) {
        JsonNode namespaces = root.path("UserConfig").path("Namespaces");
        assertThat(namespaces.size()).isEqualTo(1);
        return namespaces.get(0);
    }

    /** Entities by name, in file order; a duplicate name fails. */
    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        array.forEach(entity -> {
            String name = entity.path("Name").asText();
            assertThat(seen.add(name)).as("duplicate entity %s", name).isTrue();
            byName.put(name, entity);
        });
        return byName;
    }
}
