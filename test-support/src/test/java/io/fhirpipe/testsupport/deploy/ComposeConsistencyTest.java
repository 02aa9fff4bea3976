package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against what the services
 * will actually read: each built service's application.properties overlaid with its
 * application-servicebus.properties (the profile compose selects), and deploy/servicebus/Config.json
 * (the emulator's entities), both through {@link ServiceConfig} and {@link Deployments}. Anything a
 * channel attaches to must exist on the emulator, every subscription must have a consumer, every
 * channel must use the Service Bus connector, the services must stay within the emulator's quotas,
 * start in order once their dependencies are healthy, every variable set must be read, and ports must
 * line up. (That every variable a service requires is set: DeploymentConsistencyTest.)
 */
class ComposeConsistencyTest {

    /**
     * The Service Bus emulator's usage quotas, as documented ("Overview of the Azure Service Bus
     * emulator", Usage quotas, learn.microsoft.com): one namespace, 50 entities (queues and topics),
     * 50 subscriptions per topic, 10 concurrent connections, 200 concurrent receive requests per
     * entity, and a message time-to-live of at most one hour.
     */
    private static final int EMULATOR_NAMESPACES = 1;

    private static final int EMULATOR_ENTITIES = 50;
    private static final int EMULATOR_SUBSCRIPTIONS_PER_TOPIC = 50;
    private static final int EMULATOR_CONNECTIONS = 10;
    private static final int EMULATOR_RECEIVES_PER_ENTITY = 200;
    private static final Duration EMULATOR_MAX_TTL = Duration.ofHours(1);
    /** The SDK's processor default when a channel sets no max-concurrent-calls. */
    private static final int DEFAULT_CONCURRENT_CALLS = 1;

    private static final String SQL_SERVER_IMAGE = "mcr.microsoft.com/mssql/server:2022-latest";
    private static final String READY_PROBE = "servicebus-ready";
    /** A client builder made from the settings: one AMQP connection once used. */
    private static final Pattern CLIENT_BUILDER = Pattern.compile("\\.clientBuilder\\(\\)");
    /** Where the SDK's builder may be made: ServiceBusSettings.clientBuilder(), the one way. */
    private static final Pattern SDK_BUILDER = Pattern.compile("new ServiceBusClientBuilder\\(");

    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)/q/health/ready");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)\\s*$");

    private static Path root;
    private static final Pattern MEM_LIMIT = Pattern.compile("(\\d+)([mg])");
    private static JsonNode compose;
    private static JsonNode namespace;
    private static Map<String, JsonNode> topics;
    private static Set<String> queues;
    private static Map<String, ServiceConfig> configs;

    @BeforeAll
    static void load() {
        root = Deployments.root();
        compose = Deployments.compose();
        namespace = Deployments.emulatorNamespace(Deployments.emulatorConfig());
        topics = new LinkedHashMap<>();
        namespace.path("Topics").forEach(t -> topics.put(t.path("Name").asText(), t));
        queues = new LinkedHashSet<>();
        namespace.path("Queues").forEach(q -> queues.add(q.path("Name").asText()));
        configs = new TreeMap<>();
        for (String service : builtServices()) {
            configs.put(service, ServiceConfig.read(service, contextOf(service)));
        }
    }

    @Test
    void theFourServicesAreBuiltFromTheirDockerfilesWithTheServiceBusProfile() throws IOException {
        assertThat(builtServices()).containsExactlyInAnyOrderElementsOf(ServiceConfig.SERVICES);
        for (String service : builtServices()) {
            JsonNode build = service(service).path("build");
            Path dockerfile =
                    contextOf(service).resolve(build.path("dockerfile").asText("Dockerfile"));
            assertThat(dockerfile).as("Dockerfile of %s", service).isRegularFile();
            assertThat(Files.readString(dockerfile)).as(dockerfile.toString()).contains("target/quarkus-app");
            assertThat(environment(service))
                    .as("environment of %s", service)
                    .containsEntry("QUARKUS_PROFILE", ServiceConfig.PROFILE);
            assertThat(configs.get(service).properties())
                    .as("effective config of %s", service)
                    .containsEntry("fhirpipe.messaging.broker", "service-bus");
        }
    }

    @Test
    void everyIncomingChannelReceivesFromASubscriptionOnTheEmulator() {
        Map<String, String> consumers = new TreeMap<>();
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            for (var channel : entry.getValue().incomingSubscriptions().entrySet()) {
                String where = service + " incoming channel " + channel.getKey();
                String topic =
                        channel.getValue().substring(0, channel.getValue().indexOf('/'));
                String subscription = channel.getValue().substring(topic.length() + 1);
                assertThat(topics).as("%s: topic", where).containsKey(topic);
                assertThat(subscriptionNames(topics.get(topic)))
                        .as("%s: subscriptions of %s", where, topic)
                        .contains(subscription);
                // The same channel on Artemis must read the same subscription, or the profiles disagree.
                String artemis = baseConfig(service).get("mp.messaging.incoming." + channel.getKey() + ".address");
                assertThat(artemis)
                        .as("%s in application.properties", where)
                        .isEqualTo(Topology.standard().topic(topic).queueAddress(subscription));
                assertThat(consumers.put(topic + "/" + subscription, service))
                        .as("%s: second consumer of %s/%s", where, topic, subscription)
                        .isNull();
            }
        }
        // Every subscription of the topology has a consumer among the services; otherwise its copies
        // pile up on the emulator and the step never happens.
        Set<String> expected = new TreeSet<>();
        for (TopicDefinition topic : Topology.standard().topics()) {
            for (SubscriptionDefinition s : topic.subscriptions()) {
                expected.add(topic.name() + "/" + s.name());
            }
        }
        assertThat(consumers.keySet()).containsExactlyElementsOf(expected);
    }

    /**
     * Every channel goes through the Service Bus connector, which builds all of a service's senders and
     * processors from one client builder: one AMQP connection per service. A channel on any other
     * connector (SmallRye AMQP) would open a connection of its own, authenticate with a key in plain
     * SASL, and settle without lock renewal or native dead-lettering.
     */
    @Test
    void everyChannelUsesTheServiceBusConnector() {
        configs.forEach((service, config) -> {
            assertThat(config.connectors()).as("channels of %s", service).isNotEmpty();
            config.connectors()
                    .forEach((channel, connector) -> assertThat(connector)
                            .as("connector of %s channel %s", service, channel)
                            .isEqualTo(ServiceConfig.SERVICE_BUS_CONNECTOR));
            assertThat(config.properties())
                    .as("effective config of %s", service)
                    .doesNotContainKeys("amqp-username", "amqp-password");
            assertThat(config.get("fhirpipe.messaging.servicebus.connection-string"))
                    .as("%s reads its connection string", service)
                    .isEqualTo("${FHIRPIPE_SERVICEBUS_CONNECTION_STRING:}");
            assertThat(config.get("fhirpipe.messaging.servicebus.namespace"))
                    .as("%s reads its namespace", service)
                    .isEqualTo("${FHIRPIPE_SERVICEBUS_NAMESPACE:}");
        });
    }

    /** What compose runs on the emulator stays within every quota the emulator documents. */
    @Test
    void theServicesStayWithinTheEmulatorsQuotas() {
        // Connections: each client builder (ServiceBusSettings.clientBuilder(), the only place that
        // makes the SDK's) is one AMQP connection once used. The connector (pipeline-runtime) has one
        // per service for all its channels; a service's own code may make more (the trigger's
        // dead-letter API has its own); a channel on another connector opens one.
        assertThat(count(root.resolve("pipeline-runtime"), SDK_BUILDER))
                .as("SDK builders made")
                .isEqualTo(1);
        configs.keySet()
                .forEach(service -> assertThat(count(contextOf(service), SDK_BUILDER))
                        .as("SDK builders made by %s itself", service)
                        .isZero());
        assertThat(clientBuilders(root.resolve("pipeline-runtime")))
                .as("client builders of the connector")
                .isEqualTo(1);
        int connections = 0;
        for (var entry : configs.entrySet()) {
            Map<String, String> connectors = entry.getValue().connectors();
            long otherConnectors = connectors.values().stream()
                    .filter(c -> !ServiceConfig.SERVICE_BUS_CONNECTOR.equals(c))
                    .count();
            connections += (connectors.containsValue(ServiceConfig.SERVICE_BUS_CONNECTOR) ? 1 : 0)
                    + otherConnectors
                    + clientBuilders(contextOf(entry.getKey()));
        }
        assertThat(connections).as("AMQP connections the services open").isLessThanOrEqualTo(EMULATOR_CONNECTIONS);

        // Entities: one namespace; queues and topics; subscriptions per topic.
        assertThat(Deployments.emulatorConfig()
                        .path("UserConfig")
                        .path("Namespaces")
                        .size())
                .isEqualTo(EMULATOR_NAMESPACES);
        assertThat(topics.size() + queues.size()).as("queues and topics").isLessThanOrEqualTo(EMULATOR_ENTITIES);
        topics.forEach((name, topic) -> assertThat(topic.path("Subscriptions").size())
                .as("subscriptions of %s", name)
                .isBetween(1, EMULATOR_SUBSCRIPTIONS_PER_TOPIC));

        // Concurrent receives: each subscription has one consumer (compose runs one replica of each
        // service), receiving at most its channel's max-concurrent-calls at a time.
        configs.forEach((service, config) -> {
            Map<String, String> environment = environment(service);
            config.incomingSubscriptions().forEach((channel, subscription) -> {
                String calls = config.get("mp.messaging.incoming." + channel + ".max-concurrent-calls");
                int concurrent = calls == null
                        ? DEFAULT_CONCURRENT_CALLS
                        : Integer.parseInt(ServiceConfig.resolve(calls, environment));
                assertThat(concurrent)
                        .as("%s %s: concurrent receives on %s", service, channel, subscription)
                        .isBetween(1, EMULATOR_RECEIVES_PER_ENTITY);
            });
        });

        // Time-to-live: the emulator refuses more than an hour on any entity.
        List<JsonNode> entities = new ArrayList<>();
        topics.values().forEach(t -> {
            entities.add(t);
            t.path("Subscriptions").forEach(entities::add);
        });
        namespace.path("Queues").forEach(entities::add);
        for (JsonNode entity : entities) {
            String ttl =
                    entity.path("Properties").path("DefaultMessageTimeToLive").asText();
            assertThat(ttl)
                    .as("DefaultMessageTimeToLive of %s", entity.path("Name").asText())
                    .isNotEmpty();
            assertThat(Duration.parse(ttl))
                    .as("DefaultMessageTimeToLive of %s", entity.path("Name").asText())
                    .isLessThanOrEqualTo(EMULATOR_MAX_TTL);
        }
    }

    /**
     * SQL Server 2022 (Azure SQL Edge is retired) answers logins before the emulator starts; the
     * services start once the emulator's /health answered (its image has no shell for a healthcheck)
     * and each one has a healthcheck of its own.
     */
    @Test
    void theEmulatorRunsOnSqlServer2022AndTheServicesStartWhenItIsHealthy() {
        assertThat(service("mssql").path("image").asText()).isEqualTo(SQL_SERVER_IMAGE);
        assertThat(service("mssql").path("healthcheck").path("test").toString()).contains("sqlcmd");
        assertThat(service("servicebus")
                        .path("depends_on")
                        .path("mssql")
                        .path("condition")
                        .asText())
                .isEqualTo("service_healthy");
        assertThat(environment("servicebus")).containsEntry("SQL_SERVER", "mssql");
        JsonNode probe = service(READY_PROBE);
        assertThat(probe.path("depends_on").path("servicebus").path("condition").asText())
                .isEqualTo("service_started");
        List<String> command = new ArrayList<>();
        probe.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).contains("--fail", "--retry-all-errors", "http://servicebus:5300/health");
        List<String> servicebusPorts = new ArrayList<>();
        service("servicebus").path("ports").forEach(p -> servicebusPorts.add(p.asText()));
        assertThat(servicebusPorts).contains("5300:5300");
        for (String service : builtServices()) {
            JsonNode dependsOn = service(service).path("depends_on");
            assertThat(dependsOn.isObject())
                    .as("%s: depends_on with conditions", service)
                    .isTrue();
            assertThat(dependsOn.path(READY_PROBE).path("condition").asText())
                    .as("%s starts after %s", service, READY_PROBE)
                    .isEqualTo("service_completed_successfully");
            assertThat(dependsOn.has("azurite"))
                    .as("%s starts after azurite", service)
                    .isTrue();
            assertThat(service(service).path("healthcheck").path("test").isEmpty())
                    .as("%s healthcheck", service)
                    .isFalse();
        }
    }

    @Test
    void everyOutgoingChannelSendsToATopicOrADeadLetterQueueOnTheEmulator() {
        int outgoing = 0;
        for (var entry : configs.entrySet()) {
            for (var channel : entry.getValue().channels("outgoing").entrySet()) {
                outgoing++;
                String address = channel.getValue();
                String where = entry.getKey() + " outgoing channel " + channel.getKey() + " -> " + address;
                if (address.endsWith(Topology.DEAD_LETTER_SUFFIX)) {
                    assertThat(queues).as(where).contains(address);
                    assertThat(topics)
                            .as(where)
                            .containsKey(address.substring(0, address.length() - Topology.DEAD_LETTER_SUFFIX.length()));
                } else {
                    assertThat(topics).as(where).containsKey(address);
                }
            }
        }
        assertThat(outgoing).isPositive();
    }

    /** A misspelt variable in compose would be ignored silently: each one set must be read (that the
     * required ones are set is DeploymentConsistencyTest's). */
    @Test
    void everyVariableSetIsRead() {
        configs.forEach((service, config) -> environment(service)
                .keySet()
                .forEach(variable -> assertThat(config.reads(variable))
                        .as("%s sets %s, which nothing in its configuration reads", service, variable)
                        .isTrue()));
    }

    @Test
    void eachServiceGetsAMemoryLimitTheImagesJvmOptionsFitAndKeepsThem() {
        for (String service : configs.keySet()) {
            String limit = service(service).path("mem_limit").asText();
            Matcher m = MEM_LIMIT.matcher(limit);
            assertThat(m.matches()).as("mem_limit of %s: %s", service, limit).isTrue();
            long bytes = Long.parseLong(m.group(1)) << (m.group(2).equals("g") ? 30 : 20);
            // The loader runs DuckDB in its container here (FHIRPIPE_DUCKDB_PATH on a volume).
            String dialect = configs.get(service).get("fhirpipe.loader.dialect");
            boolean duckDb = dialect != null && "duckdb".equals(ServiceConfig.resolve(dialect, environment(service)));
            ContainerSizing.assertLimitFits("compose " + service, bytes, duckDb);
            ContainerSizing.assertKeepsTheImagesSizing("compose " + service, environment(service));
        }
    }

    @Test
    void portsAndHealthChecksMatchQuarkusHttpPort() throws IOException {
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            String port = entry.getValue().get("quarkus.http.port");
            assertThat(port).as("quarkus.http.port of %s", service).isNotNull();
            List<String> mappings = new ArrayList<>();
            service(service).path("ports").forEach(p -> mappings.add(p.asText()));
            assertThat(mappings).as("ports of %s", service).containsExactly(port + ":" + port);

            List<String> test = new ArrayList<>();
            service(service).path("healthcheck").path("test").forEach(t -> test.add(t.asText()));
            Matcher url = HEALTH_URL.matcher(String.join(" ", test));
            assertThat(url.find())
                    .as("healthcheck of %s calls /q/health/ready: %s", service, test)
                    .isTrue();
            assertThat(url.group(1)).as("healthcheck port of %s", service).isEqualTo(port);

            Path dockerfile = contextOf(service)
                    .resolve(service(service).path("build").path("dockerfile").asText());
            Matcher expose = EXPOSE.matcher(Files.readString(dockerfile));
            assertThat(expose.find()).as("EXPOSE in %s", dockerfile).isTrue();
            assertThat(expose.group(1)).as("EXPOSE in %s", dockerfile).isEqualTo(port);
        }
        // No two services publish the same host port.
        List<String> hostPorts = new ArrayList<>();
        compose.path("services")
                .forEach(s ->
                        s.path("ports").forEach(p -> hostPorts.add(p.asText().split(":")[0])));
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void endpointsPointAtTheComposeServices() {
        Set<String> names = new HashSet<>();
        compose.path("services").fieldNames().forEachRemaining(names::add);
        for (String service : builtServices()) {
            Map<String, String> environment = environment(service);
            Matcher serviceBus = Pattern.compile("^Endpoint=sb://([^:/;]+)[^;]*;.*UseDevelopmentEmulator=true;?$")
                    .matcher(environment.getOrDefault("FHIRPIPE_SERVICEBUS_CONNECTION_STRING", ""));
            assertThat(serviceBus.find())
                    .as("FHIRPIPE_SERVICEBUS_CONNECTION_STRING of %s is an emulator" + " connection string", service)
                    .isTrue();
            assertThat(serviceBus.group(1))
                    .as("Service Bus host of %s", service)
                    .isEqualTo("servicebus");
            assertThat(names).contains(serviceBus.group(1));
            Matcher blob = Pattern.compile("BlobEndpoint=http://([^:/;]+):10000/devstoreaccount1")
                    .matcher(environment.getOrDefault("FHIRPIPE_STORAGE_CONNECTION_STRING", ""));
            assertThat(blob.find())
                    .as("FHIRPIPE_STORAGE_CONNECTION_STRING of %s", service)
                    .isTrue();
            assertThat(blob.group(1)).isEqualTo("azurite");
            if (environment.containsKey("FHIRPIPE_FHIR_BASE_URL")) {
                URI fhir = URI.create(environment.get("FHIRPIPE_FHIR_BASE_URL"));
                assertThat(fhir.getHost()).isEqualTo("hapi");
                assertThat(fhir.getPort()).isEqualTo(8080);
            }
        }
        assertThat(environment("hapi")).containsEntry("hapi.fhir.bulk_export_enabled", "true");
        assertThat(names).contains("mssql", "azurite");
    }

    @Test
    void theEmulatorMountsTheGeneratedConfigJson() {
        List<String> volumes = new ArrayList<>();
        service("servicebus").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes)
                .containsExactly("./" + ServiceBusEmulatorConfig.RELATIVE_PATH
                        + ":/ServiceBus_Emulator/ConfigFiles/Config.json:ro");
        assertThat(root.resolve(ServiceBusEmulatorConfig.RELATIVE_PATH)).isRegularFile();
    }

    @Test
    void duckDbLivesOnANamedVolume() {
        Map<String, String> environment = environment("synapse-loader");
        String path =
                ServiceConfig.resolve(configs.get("synapse-loader").get("fhirpipe.loader.duckdb.path"), environment);
        assertThat(path).isEqualTo("/data/fhirpipe.duckdb");
        List<String> volumes = new ArrayList<>();
        service("synapse-loader").path("volumes").forEach(v -> volumes.add(v.asText()));
        String mount = volumes.stream()
                .filter(v -> path.startsWith(v.split(":")[1] + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume of synapse-loader holds " + path + ": " + volumes));
        String volume = mount.split(":")[0];
        assertThat(compose.path("volumes").has(volume))
                .as("named volume %s is declared", volume)
                .isTrue();
    }

    // --- compose and configuration access ---

    private static List<String> builtServices() {
        return Deployments.composeBuilt(compose);
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode())
                .as("service %s in docker-compose.yml", name)
                .isFalse();
        return service;
    }

    private static Path contextOf(String service) {
        JsonNode build = service(service).path("build");
        String context =
                build.isTextual() ? build.asText() : build.path("context").asText();
        return root.resolve(context).normalize();
    }

    private static Map<String, String> environment(String service) {
        service(service);
        return Deployments.composeEnvironment(compose, service);
    }

    /** How many Service Bus client builders a module's main code makes. */
    private static int clientBuilders(Path module) {
        return count(module, CLIENT_BUILDER);
    }

    private static int count(Path module, Pattern pattern) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
            int builders = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = pattern.matcher(Files.readString(file));
                while (m.find()) {
                    builders++;
                }
            }
            return builders;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> subscriptionNames(JsonNode topic) {
        Set<String> names = new LinkedHashSet<>();
        topic.path("Subscriptions").forEach(s -> names.add(s.path("Name").asText()));
        return names;
    }

    /** application.properties alone: the channels' addresses on Artemis. */
    private static Map<String, String> baseConfig(String service) {
        return ServiceConfig.withChannels(
                ServiceConfig.properties(contextOf(service).resolve("src/main/resources/application.properties")));
    }
}
