package io.fhirpipe.testsupport.quarkus;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts an {@link EmbeddedArtemis} with {@link Topology#standard()} for a {@code @QuarkusTest} and
 * points the Quarkus AMQP connector ({@code quarkus-messaging-amqp}) at it:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(ArtemisTestResource.class)
 * class SplitterIT {
 *     @InjectArtemis EmbeddedArtemis broker;
 *     @InjectArtemis AmqpTestClient client;
 * }
 * }</pre>
 *
 * <p>Configuration it sets: {@code amqp-host}, {@code amqp-port}, {@code amqp-username} and
 * {@code amqp-password} (the broker's one user, a fresh random password per start: anonymous
 * connections are refused) and {@code quarkus.amqp.devservices.enabled=false}; set the latter in the service's
 * {@code application.properties} too ({@code %test.quarkus.amqp.devservices.enabled=false}), as
 * Dev Services are decided at build time and would try to start a container.
 *
 * <p>The standard topology retries a failing message ten times with back-off up to a minute. To
 * reach the dead-letter address quickly in a test, override the limits of every subscription with
 * init args: {@value #MAX_DELIVERY_COUNT} (e.g. {@code "2"}), {@value #REDELIVERY_DELAY_MS} and
 * {@value #MAX_REDELIVERY_DELAY_MS}, e.g.
 * {@code @WithTestResource(value = ArtemisTestResource.class, initArgs = @ResourceArg(name = "max-delivery-count", value = "2"))}.
 */
public class ArtemisTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String MAX_DELIVERY_COUNT = "max-delivery-count";
    public static final String REDELIVERY_DELAY_MS = "redelivery-delay-ms";
    public static final String MAX_REDELIVERY_DELAY_MS = "max-redelivery-delay-ms";

    private Topology topology = Topology.standard();
    private EmbeddedArtemis broker;
    private AmqpTestClient client;

    @Override
    public void init(Map<String, String> initArgs) {
        topology = withDeliveryOverrides(Topology.standard(), initArgs);
    }

    @Override
    public Map<String, String> start() {
        broker = EmbeddedArtemis.start(topology);
        Map<String, String> config = broker.connectorConfig();
        config.put("quarkus.amqp.devservices.enabled", "false");
        return config;
    }

    @Override
    public synchronized void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(
                broker, new TestInjector.AnnotatedAndMatchesType(InjectArtemis.class, EmbeddedArtemis.class));
        testInjector.injectIntoFields(
                client(), new TestInjector.AnnotatedAndMatchesType(InjectArtemis.class, AmqpTestClient.class));
    }

    @Override
    public synchronized void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            client = null;
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    // Connected on first injection; most tests want one and it costs a connection per resource only.
    private AmqpTestClient client() {
        if (client == null) {
            client = AmqpTestClient.connect(broker);
        }
        return client;
    }

    /** {@code topology} with the delivery limits given in {@code args} applied to every subscription. */
    static Topology withDeliveryOverrides(Topology topology, Map<String, String> args) {
        if (args == null || args.isEmpty()) {
            return topology;
        }
        return new Topology(topology.topics().stream()
                .map(topic -> new TopicDefinition(
                        topic.name(),
                        topic.subscriptions().stream()
                                .map(s -> new SubscriptionDefinition(
                                        s.name(),
                                        intArg(args, MAX_DELIVERY_COUNT, s.maxDeliveryCount()),
                                        millisArg(args, REDELIVERY_DELAY_MS, s.redeliveryDelay()),
                                        millisArg(args, MAX_REDELIVERY_DELAY_MS, s.maxRedeliveryDelay())))
                                .toList()))
                .toList());
    }

    private static int intArg(Map<String, String> args, String name, int fallback) {
        String value = args.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("init arg " + name + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static Duration millisArg(Map<String, String> args, String name, Duration fallback) {
        return args.containsKey(name) ? Duration.ofMillis(intArg(args, name, 0)) : fallback;
    }
}
