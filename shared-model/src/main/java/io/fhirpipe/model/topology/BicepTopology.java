package io.fhirpipe.model.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.storage.Containers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes {@code deploy/azure/topology.json}, the part of the Azure deployment that must match
 * {@link Topology#standard()}: topics, subscriptions with their limits and their one SQL rule, the
 * dead-letter queues, and which service receives from which subscription and sends to which topic
 * (for KEDA scale rules and the identities' Service Bus roles). The Bicep files read it with
 * {@code loadJsonContent('topology.json')} and loop over it, so no entity name is written in Bicep.
 * The file is this class's output, committed; {@code BicepTopologyTest} in shared-model fails when the
 * two differ. Regenerate at the repository root with
 * {@code mvn -q -pl shared-model compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java
 * -Dexec.mainClass=io.fhirpipe.model.topology.BicepTopology}.
 *
 * <p>Azure-only facts are here rather than in {@link Topology}:
 * <ul>
 *   <li>each subscription's rule is named {@value #DEFAULT_RULE}: a subscription made through Azure
 *   Resource Manager gets a {@code $Default} rule with a true filter, and rules are OR-ed, so the
 *   routing filter must replace that rule rather than sit beside it;</li>
 *   <li>{@link #SERVICES}: who receives and sends what on Azure. A consumer also sends to the topic it
 *   receives from: pipeline-runtime's connector schedules its retry copies there. The poller does not
 *   send blob-created on Azure ({@code FHIRPIPE_PUBLISH_BLOB_CREATED=false}): Event Grid does.
 *   test-support's {@code BicepDeploymentTest} checks this table against each service's
 *   {@code application-servicebus.properties}.</li>
 * </ul>
 */
public final class BicepTopology {

    /** Where the generated file lives, relative to the repository root. */
    public static final String RELATIVE_PATH = "deploy/azure/topology.json";
    /** The name of each subscription's rule on Azure: it replaces the true filter ARM creates. */
    public static final String DEFAULT_RULE = "$Default";
    /** The writes that mean a finished file in storage (Event Grid's {@code data.api}). */
    public static final List<String> FINISHED_BLOB_APIS =
            List.of("PutBlob", "PutBlockList", "FlushWithClose", "CopyBlob");
    /** The container Event Grid watches: BlobCreated under it goes to {@link Topics#BLOB_CREATED}. */
    public static final String WATCHED_CONTAINER = Containers.LANDING;

    /** A subscription a service receives from. */
    public record Receive(String topic, String subscription) {}

    /**
     * One of the four services on Azure.
     *
     * @param minReplicas 0 scales from zero on its subscriptions; the trigger keeps 1 (REST API, cron)
     */
    public record Service(String name, int port, int minReplicas, List<Receive> receives, List<String> sends) {
        public Service {
            receives = List.copyOf(receives);
            sends = List.copyOf(sends);
        }

        /** What it sends to: its own topics, and the topics it receives from (retry copies). */
        public Set<String> sendTopics() {
            Set<String> topics = new LinkedHashSet<>(sends);
            receives.forEach(r -> topics.add(r.topic()));
            return topics;
        }
    }

    public static final List<Service> SERVICES = List.of(
            new Service(
                    "export-trigger",
                    8081,
                    1,
                    List.of(
                            new Receive(Topics.EXPORT_REQUESTED, Subscriptions.EXPORT_TRIGGER),
                            new Receive(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER),
                            new Receive(Topics.EXPORT_FAILED, Subscriptions.EXPORT_TRACKER),
                            new Receive(Topics.SPLIT_COMPLETED, Subscriptions.EXPORT_TRACKER),
                            new Receive(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER),
                            new Receive(Topics.CHUNK_FAILED, Subscriptions.EXPORT_TRACKER),
                            new Receive(Topics.FILE_FAILED, Subscriptions.EXPORT_TRACKER)),
                    List.of(
                            Topics.EXPORT_REQUESTED,
                            Topics.EXPORT_ACCEPTED,
                            Topics.EXPORT_FAILED,
                            Topics.EXPORT_LOADED)),
            new Service(
                    "export-poller",
                    8082,
                    0,
                    List.of(
                            new Receive(Topics.EXPORT_ACCEPTED, Subscriptions.EXPORT_POLLER),
                            new Receive(Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER)),
                    List.of(
                            Topics.EXPORT_ACCEPTED,
                            Topics.EXPORT_FILE_READY,
                            Topics.EXPORT_COMPLETED,
                            Topics.EXPORT_FAILED,
                            Topics.FILE_FAILED)),
            new Service(
                    "ndjson-splitter",
                    8083,
                    0,
                    List.of(new Receive(Topics.BLOB_CREATED, Subscriptions.NDJSON_SPLITTER)),
                    List.of(Topics.CHUNK_READY, Topics.SPLIT_COMPLETED, Topics.FILE_FAILED)),
            new Service(
                    "synapse-loader",
                    8084,
                    0,
                    List.of(new Receive(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER)),
                    List.of(Topics.CHUNK_LOADED, Topics.CHUNK_FAILED)));

    private static final ObjectMapper JSON = new ObjectMapper();

    private BicepTopology() {}

    /** The deployment's topology for {@code topology} and {@code services}, as a JSON tree. */
    public static ObjectNode generate(Topology topology, List<Service> services) {
        Objects.requireNonNull(topology, "topology");
        ObjectNode root = JSON.createObjectNode();
        root.put(
                "generatedBy",
                BicepTopology.class.getName()
                        + " from Topology.standard(); do not edit, regenerate (see deploy/README.md)");
        ArrayNode topics = root.putArray("topics");
        ArrayNode queues = root.putArray("deadLetterQueues");
        ArrayNode subscriptions = root.putArray("subscriptions");
        for (TopicDefinition topic : topology.topics()) {
            ObjectNode t = topics.addObject();
            t.put("name", topic.name());
            ObjectNode tp = t.putObject("properties");
            tp.put("defaultMessageTimeToLive", iso(Topology.MESSAGE_TIME_TO_LIVE));
            tp.put("requiresDuplicateDetection", Topology.REQUIRES_DUPLICATE_DETECTION);
            tp.put("duplicateDetectionHistoryTimeWindow", iso(Topology.DUPLICATE_DETECTION_WINDOW));
            tp.put("enableBatchedOperations", true);

            ObjectNode q = queues.addObject();
            q.put("name", Topology.deadLetterAddress(topic.name()));
            ObjectNode qp = q.putObject("properties");
            qp.put("defaultMessageTimeToLive", iso(Topology.MESSAGE_TIME_TO_LIVE));
            qp.put("lockDuration", "PT1M");
            qp.put("maxDeliveryCount", Topology.DEFAULT_MAX_DELIVERY_COUNT);
            qp.put("requiresDuplicateDetection", false);
            qp.put("deadLetteringOnMessageExpiration", false);

            for (SubscriptionDefinition subscription : topic.subscriptions()) {
                ObjectNode s = subscriptions.addObject();
                s.put("topic", topic.name());
                s.put("name", subscription.name());
                ObjectNode sp = s.putObject("properties");
                sp.put("maxDeliveryCount", subscription.maxDeliveryCount());
                sp.put("lockDuration", iso(Topology.LOCK_DURATION));
                sp.put("defaultMessageTimeToLive", iso(Topology.MESSAGE_TIME_TO_LIVE));
                sp.put("deadLetteringOnMessageExpiration", true);
                sp.put("deadLetteringOnFilterEvaluationExceptions", true);
                sp.put("forwardDeadLetteredMessagesTo", Topology.deadLetterAddress(topic.name()));
                sp.put("requiresSession", false);
                ObjectNode rule = s.putObject("rule");
                rule.put("name", DEFAULT_RULE);
                rule.put("sqlExpression", subscription.routingFilter());
            }
        }
        ArrayNode serviceNodes = root.putArray("services");
        for (Service service : services) {
            ObjectNode s = serviceNodes.addObject();
            s.put("name", service.name());
            s.put("port", service.port());
            s.put("minReplicas", service.minReplicas());
            ArrayNode receives = s.putArray("receives");
            for (Receive receive : service.receives()) {
                topology.subscription(receive.topic(), receive.subscription()); // fails when it is not there
                receives.addObject().put("topic", receive.topic()).put("subscription", receive.subscription());
            }
            ArrayNode sends = s.putArray("sends");
            for (String topic : service.sendTopics()) {
                sends.add(topology.topic(topic).name());
            }
        }
        // Flat lists for Bicep, which cannot nest resource loops: one entry per role assignment.
        ArrayNode receiverAssignments = root.putArray("receiverAssignments");
        ArrayNode senderAssignments = root.putArray("senderAssignments");
        for (Service service : services) {
            for (Receive receive : service.receives()) {
                receiverAssignments
                        .addObject()
                        .put("service", service.name())
                        .put("topic", receive.topic())
                        .put("subscription", receive.subscription());
            }
            for (String topic : service.sendTopics()) {
                senderAssignments.addObject().put("service", service.name()).put("topic", topic);
            }
        }
        root.putArray("containers")
                .addAll(Containers.ALL.stream()
                        .map(JSON.getNodeFactory()::textNode)
                        .toList());
        ObjectNode eventGrid = root.putObject("eventGrid");
        eventGrid.put("topic", topology.topic(Topics.BLOB_CREATED).name());
        eventGrid.put("subjectBeginsWith", "/blobServices/default/containers/" + WATCHED_CONTAINER + "/");
        eventGrid
                .putArray("apis")
                .addAll(FINISHED_BLOB_APIS.stream()
                        .map(JSON.getNodeFactory()::textNode)
                        .toList());
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
            return JSON.writer(printer).writeValueAsString(generate(topology, SERVICES)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the Azure topology", e);
        }
    }

    /**
     * Writes {@code render(Topology.standard())} to {@code args[0]}, or to {@value #RELATIVE_PATH}
     * under the repository root found from the working directory.
     */
    public static void main(String[] args) throws IOException {
        Path target = args.length > 0
                ? Paths.get(args[0])
                : ServiceBusEmulatorConfig.findRepositoryRoot(Paths.get(System.getProperty("user.dir")))
                        .resolve(RELATIVE_PATH);
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, render(Topology.standard()), StandardCharsets.UTF_8);
        System.out.println("wrote " + target.toAbsolutePath().normalize());
    }

    /** ISO 8601 as Azure writes it: whole days as {@code P14D}, anything shorter as {@code PT10M}. */
    static String iso(java.time.Duration duration) {
        if (!duration.isZero() && duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0) {
            return "P" + duration.toDays() + "D";
        }
        return duration.toString();
    }

    /** Every subscription's {@code topic/subscription}, in topology order. */
    static List<String> subscriptionPaths(Topology topology) {
        List<String> paths = new ArrayList<>();
        topology.topics().forEach(t -> t.subscriptions().forEach(s -> paths.add(t.name() + "/" + s.name())));
        return paths;
    }
}
