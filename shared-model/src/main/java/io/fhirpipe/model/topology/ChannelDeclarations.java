package io.fhirpipe.model.topology;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's channels ({@code mp.messaging.*}) derived from the topology, so that a service names
 * what it reads and writes, never a transport:
 *
 * <pre>
 * fhirpipe.messaging.subscriptions=ndjson-splitter                  # every topic with this subscription: incoming channel &lt;topic&gt;
 * fhirpipe.messaging.publishes=chunk-ready,split-completed,file-failed # outgoing channel &lt;topic&gt;-out
 * fhirpipe.messaging.publishes=export-poll-due-out=export-accepted     # or channel=topic
 * </pre>
 *
 * On Artemis the channels use the smallrye-amqp connector with the queue of each subscription
 * ({@code <topic>::<topic>.<subscription>}), modified-failed settlement, multicast and whole-CloudEvent
 * bodies; on Service Bus the fhirpipe-service-bus connector with {@code <topic>/Subscriptions/<subscription>}.
 * Every consuming service also gets {@code dead-letters-out} (anonymous sender: each dead letter names
 * its topic's dead-letter address). A pure function, so the running service (pipeline-runtime's config
 * source) and the deploy tests (reading the properties files) expand the two keys the same way.
 */
public final class ChannelDeclarations {

    public static final String SUBSCRIPTIONS = "fhirpipe.messaging.subscriptions";
    public static final String PUBLISHES = "fhirpipe.messaging.publishes";
    public static final String DEAD_LETTERS_CHANNEL = "dead-letters-out";
    public static final String AMQP_CONNECTOR = "smallrye-amqp";
    public static final String SERVICE_BUS_CONNECTOR = "fhirpipe-service-bus";

    private ChannelDeclarations() {}

    /**
     * The {@code mp.messaging.*} properties of a service that reads these subscriptions and publishes
     * these topics ({@code topic} or {@code channel=topic}); a topic the topology does not know fails.
     */
    public static Map<String, String> properties(
            Topology topology, boolean serviceBus, List<String> subscriptions, List<String> publishes) {
        String connector = serviceBus ? SERVICE_BUS_CONNECTOR : AMQP_CONNECTOR;
        Map<String, String> p = new LinkedHashMap<>();
        String firstTopic = null;
        for (TopicDefinition topic : topology.topics()) {
            for (String subscription : subscriptions) {
                if (topic.subscriptions().stream().noneMatch(s -> s.name().equals(subscription))) {
                    continue;
                }
                firstTopic = firstTopic == null ? topic.name() : firstTopic;
                String in = "mp.messaging.incoming." + topic.name() + ".";
                p.put(in + "connector", connector);
                p.put(
                        in + "address",
                        serviceBus
                                ? topic.name() + "/Subscriptions/" + subscription
                                : topic.queueAddress(subscription));
                // the smallrye-amqp settings; the Service Bus connector has its own and ignores these
                p.put(in + "failure-strategy", "modified-failed");
                p.put(in + "capabilities", "multicast");
                // bodies are whole CloudEvents (the envelope is the contract): never unwrapped
                p.put(in + "cloud-events", "false");
            }
        }
        for (String entry : publishes) {
            int eq = entry.indexOf('=');
            String topic = eq < 0 ? entry : entry.substring(eq + 1).trim();
            String channel = eq < 0 ? entry + "-out" : entry.substring(0, eq).trim();
            topology.topic(topic);
            outgoing(p, connector, channel, topic);
            p.put("mp.messaging.outgoing." + channel + ".capabilities", "multicast");
        }
        if (firstTopic != null) {
            outgoing(p, connector, DEAD_LETTERS_CHANNEL, Topology.deadLetterAddress(firstTopic));
            p.put("mp.messaging.outgoing." + DEAD_LETTERS_CHANNEL + ".use-anonymous-sender", "true");
        }
        return p;
    }

    /** The names of a comma-separated value ({@link #SUBSCRIPTIONS}, {@link #PUBLISHES}); none for null or blank. */
    public static List<String> names(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static void outgoing(Map<String, String> p, String connector, String channel, String address) {
        String out = "mp.messaging.outgoing." + channel + ".";
        p.put(out + "connector", connector);
        p.put(out + "address", address);
        p.put(out + "durable", "true");
        p.put(out + "cloud-events", "false");
    }
}
