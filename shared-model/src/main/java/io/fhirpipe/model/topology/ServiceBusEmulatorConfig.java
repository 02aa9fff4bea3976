package io.fhirpipe.model.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Writes the Azure Service Bus emulator's {@code Config.json}
 * ({@code mcr.microsoft.com/azure-messaging/servicebus-emulator}) from a {@link Topology}, so the
 * docker-compose stack has exactly the topics and subscriptions the services and the embedded
 * Artemis broker use. {@code deploy/servicebus/Config.json} is this class's output, committed; a
 * test in shared-model fails when the two differ. Regenerate with {@link #main(String[])}, at the
 * repository root:
 * {@code mvn -q -pl shared-model compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java
 * -Dexec.mainClass=io.fhirpipe.model.topology.ServiceBusEmulatorConfig}.
 *
 * <p>The emulator checks its file against a schema (Azure/azure-service-bus-emulator-installer,
 * {@code ServiceBus-Emulator/Schema/Config-schema.json}); its limits are enforced here so a topology
 * the emulator would refuse fails at generation, not when the container starts:
 * <ul>
 *   <li>one namespace, and it must be called {@value #NAMESPACE};</li>
 *   <li>at most {@value #MAX_ENTITIES} queues and topics together;</li>
 *   <li>{@code MaxDeliveryCount} between 1 and {@value #MAX_DELIVERY_COUNT_LIMIT};</li>
 *   <li>every topic needs at least one subscription;</li>
 *   <li>message time-to-live at most one hour, lock duration and duplicate detection window at most five
 *   minutes ({@link Topology#MESSAGE_TIME_TO_LIVE} and {@link Topology#DUPLICATE_DETECTION_WINDOW} are
 *   longer on Azure: the emulator gets its maximum);</li>
 *   <li>rule names are letters, digits and {@code -._/}: the emulator cannot take {@code $Default},
 *   and a subscription given rules gets no {@code $Default} true filter there.</li>
 * </ul>
 *
 * <p>Mapping: every topic becomes a topic with its subscriptions, and a queue
 * {@code <topic>.dead-letter} ({@link Topology#deadLetterAddress(String)}) where consumers put
 * permanent failures with their reason. Each subscription forwards what the broker itself
 * dead-letters (delivery count exhausted, expiry) to that same queue, which is what Artemis does
 * with the topic's dead-letter address, so both brokers keep a topic's dead letters in one place.
 * Topics detect duplicates (the connector's message id is the CloudEvent id); the dead-letter queues
 * do not (a message dead-lettered again after a replay must arrive). Each subscription has one SQL rule,
 * {@value #ROUTING_RULE}: {@link SubscriptionDefinition#routingFilter()}, so a retry copy reaches only the
 * subscription it is for.
 */
public final class ServiceBusEmulatorConfig {

    /** The only namespace name the emulator accepts. */
    public static final String NAMESPACE = "sbemulatorns";
    /** Where the generated file lives, relative to the repository root. */
    public static final String RELATIVE_PATH = "deploy/servicebus/Config.json";
    /**
     * The emulator rejects a topic without subscriptions; a topic nobody in fhirpipe consumes (such
     * as export-loaded, which is for consumers outside the pipeline) gets this one, so it can be
     * sent to and its messages can be looked at. On Azure such a topic needs no subscription.
     */
    public static final String OBSERVER_SUBSCRIPTION = "observer";

    static final int MAX_ENTITIES = 50;
    static final int MAX_DELIVERY_COUNT_LIMIT = 10;
    /** The emulator's maximum (and default) time-to-live. */
    static final String MESSAGE_TIME_TO_LIVE = capped(Topology.MESSAGE_TIME_TO_LIVE, Duration.ofHours(1));
    /**
     * The emulator's maximum lock. SmallRye AMQP does not renew locks, and a file transfer or a
     * chunk load can take minutes; a lock that ran out would hand the message to another consumer
     * while the first still works on it.
     */
    static final String LOCK_DURATION = capped(Topology.LOCK_DURATION, Duration.ofMinutes(5));

    static final String DEAD_LETTER_QUEUE_LOCK_DURATION = "PT1M";
    /** The emulator's maximum duplicate detection window (its default is 20 s). */
    static final String DUPLICATE_DETECTION_WINDOW = capped(Topology.DUPLICATE_DETECTION_WINDOW, Duration.ofMinutes(5));
    /** The emulator's default window, written on the dead-letter queues, which do not detect duplicates. */
    static final String QUEUE_DUPLICATE_DETECTION_WINDOW = "PT20S";
    /** The name of each subscription's one rule on the emulator (on Azure the rule is {@code $Default}). */
    public static final String ROUTING_RULE = "fhirpipe-route";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceBusEmulatorConfig() {}

    /**
     * The AMQP address a receiver attaches to for a subscription on Service Bus (the emulator and
     * Azure alike): {@code <topic>/Subscriptions/<subscription>}. Entity paths are case-insensitive
     * on Service Bus; the Azure SDK spells the middle segment in lower case.
     */
    public static String subscriptionAddress(String topic, String subscription) {
        return Objects.requireNonNull(topic, "topic") + "/Subscriptions/"
                + Objects.requireNonNull(subscription, "subscription");
    }

    /** The emulator configuration for {@code topology}, as a JSON tree. */
    public static ObjectNode generate(Topology topology) {
        Objects.requireNonNull(topology, "topology");
        int entities = topology.topics().size() * 2;
        if (entities > MAX_ENTITIES) {
            throw new IllegalArgumentException("the Service Bus emulator allows at most " + MAX_ENTITIES
                    + " queues and topics; this topology needs " + entities
                    + " (each topic plus its dead-letter queue)");
        }
        ObjectNode namespace = JSON.createObjectNode();
        namespace.put("Name", NAMESPACE);
        ArrayNode queues = namespace.putArray("Queues");
        ArrayNode topics = namespace.putArray("Topics");
        for (TopicDefinition topic : topology.topics()) {
            queues.add(deadLetterQueue(topic.name()));
            topics.add(topic(topic));
        }

        ObjectNode root = JSON.createObjectNode();
        ObjectNode userConfig = root.putObject("UserConfig");
        userConfig.putArray("Namespaces").add(namespace);
        userConfig.putObject("Logging").put("Type", "File,Console");
        return root;
    }

    /** The file's text: two-space indentation, {@code \n} line ends, a final newline; the same on every OS. */
    public static String render(Topology topology) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(generate(topology)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the emulator configuration", e);
        }
    }

    /**
     * Writes {@code render(Topology.standard())} to {@code args[0]}, or to {@value #RELATIVE_PATH}
     * under the repository root found from the working directory.
     */
    public static void main(String[] args) throws IOException {
        Path target = args.length > 0
                ? Paths.get(args[0])
                : findRepositoryRoot(Paths.get(System.getProperty("user.dir"))).resolve(RELATIVE_PATH);
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, render(Topology.standard()), StandardCharsets.UTF_8);
        System.out.println("wrote " + target.toAbsolutePath().normalize());
    }

    /** The nearest directory at or above {@code start} that has a {@code deploy/} directory. */
    public static Path findRepositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory containing deploy/ at or above " + start);
    }

    private static ObjectNode topic(TopicDefinition topic) {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", topic.name());
        ObjectNode properties = node.putObject("Properties");
        properties.put("DefaultMessageTimeToLive", MESSAGE_TIME_TO_LIVE);
        properties.put("DuplicateDetectionHistoryTimeWindow", DUPLICATE_DETECTION_WINDOW);
        properties.put("RequiresDuplicateDetection", Topology.REQUIRES_DUPLICATE_DETECTION);
        ArrayNode subscriptions = node.putArray("Subscriptions");
        List<SubscriptionDefinition> defined = topic.subscriptions().isEmpty()
                ? List.of(new SubscriptionDefinition(
                        OBSERVER_SUBSCRIPTION,
                        Topology.DEFAULT_MAX_DELIVERY_COUNT,
                        Topology.DEFAULT_REDELIVERY_DELAY,
                        Topology.DEFAULT_MAX_REDELIVERY_DELAY))
                : topic.subscriptions();
        for (SubscriptionDefinition subscription : defined) {
            subscriptions.add(subscription(
                    topic.name(), subscription, !topic.subscriptions().isEmpty()));
        }
        return node;
    }

    private static ObjectNode subscription(String topic, SubscriptionDefinition subscription, boolean consumed) {
        if (subscription.maxDeliveryCount() > MAX_DELIVERY_COUNT_LIMIT) {
            throw new IllegalArgumentException("subscription '" + subscription.name() + "' of topic '" + topic
                    + "' has maxDeliveryCount " + subscription.maxDeliveryCount()
                    + "; the Service Bus emulator allows at most " + MAX_DELIVERY_COUNT_LIMIT);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", subscription.name());
        ObjectNode properties = node.putObject("Properties");
        // A consumed subscription keeps what expired unread; the observer's copies may just expire.
        properties.put("DeadLetteringOnMessageExpiration", consumed);
        properties.put("DefaultMessageTimeToLive", MESSAGE_TIME_TO_LIVE);
        properties.put("LockDuration", LOCK_DURATION);
        properties.put("MaxDeliveryCount", subscription.maxDeliveryCount());
        properties.put("ForwardDeadLetteredMessagesTo", Topology.deadLetterAddress(topic));
        properties.put("ForwardTo", "");
        properties.put("RequiresSession", false);
        ObjectNode rule = node.putArray("Rules").addObject();
        rule.put("Name", ROUTING_RULE);
        ObjectNode ruleProperties = rule.putObject("Properties");
        ruleProperties.put("FilterType", "Sql");
        ruleProperties.putObject("SqlFilter").put("SqlExpression", subscription.routingFilter());
        return node;
    }

    /** An ISO-8601 duration: {@code value}, or {@code max} when it is longer. */
    static String capped(Duration value, Duration max) {
        return (value.compareTo(max) > 0 ? max : value).toString();
    }

    private static ObjectNode deadLetterQueue(String topic) {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", Topology.deadLetterAddress(topic));
        ObjectNode properties = node.putObject("Properties");
        properties.put("DeadLetteringOnMessageExpiration", false);
        properties.put("DefaultMessageTimeToLive", MESSAGE_TIME_TO_LIVE);
        properties.put("DuplicateDetectionHistoryTimeWindow", QUEUE_DUPLICATE_DETECTION_WINDOW);
        properties.put("ForwardDeadLetteredMessagesTo", "");
        properties.put("ForwardTo", "");
        properties.put("LockDuration", DEAD_LETTER_QUEUE_LOCK_DURATION);
        properties.put("MaxDeliveryCount", MAX_DELIVERY_COUNT_LIMIT);
        properties.put("RequiresDuplicateDetection", false);
        properties.put("RequiresSession", false);
        return node;
    }
}
