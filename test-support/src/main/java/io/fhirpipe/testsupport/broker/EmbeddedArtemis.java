package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.QuietLogging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * An embedded ActiveMQ Artemis broker with an AMQP 1.0 acceptor on {@code 127.0.0.1}, carrying a
 * {@link Topology} (by default {@link Topology#standard()}) as described in {@link ArtemisTopology}.
 * It has one user ({@link #credentials()}, a random password unless {@link Builder#credentials} names
 * one) allowed everything, and refuses anonymous connections and wrong passwords, as Service Bus
 * refuses a client without a key.
 *
 * <pre>{@code
 * try (EmbeddedArtemis broker = EmbeddedArtemis.start();
 *      AmqpTestClient client = AmqpTestClient.connect(broker)) {     // with broker.credentials()
 *     client.send(Topics.CHUNK_READY, "{...}");
 *     broker.messageCount(ArtemisNames.subscriptionQueue(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER));
 * }
 * }</pre>
 *
 * <p>By default nothing is written to disk that outlives {@link #close()}; with
 * {@link Builder#dataDirectory(Path)} messages are persisted there (the local stack). Addresses
 * outside the topology are not created on demand, so a producer or consumer with a misspelt
 * address fails at once, as it would on Service Bus.
 */
public final class EmbeddedArtemis implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    private static final String ACCEPTOR_NAME = "amqp";
    private static final String ROLE = "fhirpipe";

    private final ActiveMQServer server;
    private final Topology topology;
    private final int amqpPort;
    private final Path scratchDirectory;
    private final BrokerCredentials credentials;

    private EmbeddedArtemis(
            ActiveMQServer server,
            Topology topology,
            int amqpPort,
            Path scratchDirectory,
            BrokerCredentials credentials) {
        this.server = server;
        this.topology = topology;
        this.amqpPort = amqpPort;
        this.scratchDirectory = scratchDirectory;
        this.credentials = credentials;
    }

    /** Starts a non-persistent broker with {@link Topology#standard()} on a free port. */
    public static EmbeddedArtemis start() {
        return builder().start();
    }

    /** Starts a non-persistent broker with {@code topology} on a free port. */
    public static EmbeddedArtemis start(Topology topology) {
        return builder().topology(topology).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return HOST;
    }

    public int amqpPort() {
        return amqpPort;
    }

    /** {@code amqp://127.0.0.1:<port>}. */
    public String amqpUrl() {
        return "amqp://" + HOST + ":" + amqpPort;
    }

    public Topology topology() {
        return topology;
    }

    /** The user every client must connect as. */
    public BrokerCredentials credentials() {
        return credentials;
    }

    /**
     * What a service's AMQP connector needs to reach this broker: {@code amqp-host}, {@code amqp-port},
     * {@code amqp-username} and {@code amqp-password} (a mutable copy).
     */
    public java.util.Map<String, String> connectorConfig() {
        java.util.Map<String, String> config = new java.util.HashMap<>();
        config.put("amqp-host", HOST);
        config.put("amqp-port", Integer.toString(amqpPort));
        config.put("amqp-username", credentials.username());
        config.put("amqp-password", credentials.password());
        return config;
    }

    /** The running server, for inspection beyond what this class offers. */
    public ActiveMQServer server() {
        return server;
    }

    /**
     * Messages in the named queue, counting those scheduled for later delivery and those
     * delivered to a consumer but not yet settled.
     *
     * @throws IllegalArgumentException if there is no such queue
     */
    public long messageCount(String queueName) {
        return queue(queueName).getMessageCount();
    }

    /** Messages in the queue whose delivery time (annotation {@code x-opt-delivery-time}) lies ahead. */
    public int scheduledCount(String queueName) {
        return queue(queueName).getScheduledCount();
    }

    /**
     * Waits until {@link #messageCount(String)} of the queue equals {@code expected}; the broker
     * routes and acknowledges on its own threads, so a count read right after a send or a
     * settlement may still be the old one.
     *
     * @throws AssertionError with the last count seen, if the count does not arrive in time
     */
    public void awaitMessageCount(String queueName, long expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count;
        while ((count = messageCount(queueName)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue '" + queueName + "' holds " + count + " messages after " + timeout
                        + ", expected " + expected);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    /**
     * Adds a subscription queue to a topic of the topology while the broker runs, for example so a
     * test can read what a service published to a topic that has no subscription of its own
     * ({@code export-loaded}). It shares the topic's delivery limits and dead-letter address.
     *
     * @return the address to consume it from ({@link ArtemisNames#consumerAddress})
     */
    public String addSubscription(String topic, String subscription) {
        topology.topic(topic);
        String queue = ArtemisNames.subscriptionQueue(topic, subscription);
        try {
            server.createQueue(QueueConfiguration.of(queue)
                    .setAddress(topic)
                    .setRoutingType(RoutingType.MULTICAST)
                    .setDurable(true));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create queue '" + queue + "' on topic '" + topic + "'", e);
        }
        return ArtemisNames.consumerAddress(topic, subscription);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the embedded Artemis broker failed", e);
        } finally {
            if (scratchDirectory != null) {
                deleteRecursively(scratchDirectory);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedArtemis[" + amqpUrl() + "]";
    }

    private Queue queue(String queueName) {
        Queue queue = server.locateQueue(SimpleString.of(Objects.requireNonNull(queueName, "queueName")));
        if (queue == null) {
            throw new IllegalArgumentException("the broker has no queue named '" + queueName + "'");
        }
        return queue;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /** Options of an {@link EmbeddedArtemis}; {@link #start()} starts it. */
    public static final class Builder {

        private Topology topology = Topology.standard();
        private Path dataDirectory;
        private int amqpPort;
        private boolean autoCreateAddresses;
        private BrokerCredentials credentials;
        private boolean duplicateDelivery;

        private Builder() {}

        /**
         * Every message a client sends to a topic reaches each of its subscription queues twice (same body,
         * properties and message-id; a different broker message id), for the fault suite; off by default.
         */
        public Builder duplicateDelivery(boolean duplicateDelivery) {
            this.duplicateDelivery = duplicateDelivery;
            return this;
        }

        /** The one user clients connect as; by default {@link BrokerCredentials#generate()}. */
        public Builder credentials(BrokerCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder topology(Topology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /**
         * Persist messages, addresses and queues in this folder (created if missing, kept on close),
         * so a restarted broker still holds what was not yet consumed.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** A fixed AMQP port; 0 (the default) lets the operating system choose a free one. */
        public Builder amqpPort(int amqpPort) {
            if (amqpPort < 0 || amqpPort > 65535) {
                throw new IllegalArgumentException("not a port: " + amqpPort);
            }
            this.amqpPort = amqpPort;
            return this;
        }

        /** Create addresses and queues that are not in the topology when a client uses them (off by default). */
        public Builder autoCreateAddresses(boolean autoCreateAddresses) {
            this.autoCreateAddresses = autoCreateAddresses;
            return this;
        }

        public EmbeddedArtemis start() {
            // Artemis logs a dozen INFO lines per start; the level must be set before its first log call.
            QuietLogging.quietDown("org.apache.activemq");
            Path scratch = dataDirectory == null ? createScratchDirectory() : null;
            Path directory = dataDirectory == null ? scratch : dataDirectory;
            Configuration configuration = configuration(directory);
            BrokerCredentials user = credentials == null ? BrokerCredentials.generate() : credentials;
            // The flag overrides the configuration's own persistence setting.
            ActiveMQServer server = ActiveMQServers.newActiveMQServer(
                    configuration,
                    ManagementFactory.getPlatformMBeanServer(),
                    securityManager(user),
                    configuration.isPersistenceEnabled());
            try {
                server.start();
                if (!server.isActive()) {
                    throw new IllegalStateException("the embedded Artemis broker did not become active");
                }
                NettyAcceptor acceptor =
                        (NettyAcceptor) server.getRemotingService().getAcceptor(ACCEPTOR_NAME);
                return new EmbeddedArtemis(server, topology, acceptor.getActualPort(), scratch, user);
            } catch (Exception e) {
                stopQuietly(server, e);
                if (scratch != null) {
                    deleteRecursively(scratch);
                }
                throw e instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("the embedded Artemis broker failed to start", e);
            }
        }

        private Configuration configuration(Path directory) {
            ConfigurationImpl configuration = new ConfigurationImpl();
            configuration
                    .setName("fhirpipe-embedded")
                    .setPersistenceEnabled(dataDirectory != null)
                    .setSecurityEnabled(true)
                    .setJMXManagementEnabled(false)
                    // NIO works everywhere; the native AIO journal needs libaio.
                    .setJournalType(JournalType.NIO)
                    // A nearly full disk on a build machine must not block producers mid-test.
                    .setMaxDiskUsage(-1)
                    .setBindingsDirectory(directory.resolve("bindings").toString())
                    .setJournalDirectory(directory.resolve("journal").toString())
                    .setPagingDirectory(directory.resolve("paging").toString())
                    .setLargeMessagesDirectory(
                            directory.resolve("large-messages").toString())
                    .setNodeManagerLockDirectory(directory.resolve("lock").toString());
            // A slow, overloaded CI machine must not make the analyser stop the broker.
            configuration.setCriticalAnalyzer(false);
            try {
                configuration.addAcceptorConfiguration(
                        ACCEPTOR_NAME, "tcp://" + HOST + ":" + amqpPort + "?protocols=AMQP");
            } catch (Exception e) {
                throw new IllegalStateException("invalid AMQP acceptor", e);
            }
            ArtemisTopology.configure(topology, configuration, autoCreateAddresses);
            if (duplicateDelivery) {
                configuration.registerBrokerPlugin(new DuplicateDelivery(
                        topology.topics().stream().map(TopicDefinition::name).collect(Collectors.toSet())));
            }
            configuration.putSecurityRoles(
                    "#",
                    Set.of(new Role(ROLE, true, true, true, true, true, true, true, true, true, true, true, true)));
            return configuration;
        }

        /**
         * One user in memory and no default user: Artemis maps an anonymous login to the default
         * user when there is one (as {@code ActiveMQServers.newActiveMQServer(config, user, password)}
         * sets up), so without one an anonymous connection is refused.
         */
        private static ActiveMQJAASSecurityManager securityManager(BrokerCredentials user) {
            SecurityConfiguration users = new SecurityConfiguration();
            users.addUser(user.username(), user.password());
            users.addRole(user.username(), ROLE);
            return new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users);
        }

        private static Path createScratchDirectory() {
            try {
                return Files.createTempDirectory("fhirpipe-artemis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch directory for Artemis", e);
            }
        }

        private static void stopQuietly(ActiveMQServer server, Exception cause) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }
}
