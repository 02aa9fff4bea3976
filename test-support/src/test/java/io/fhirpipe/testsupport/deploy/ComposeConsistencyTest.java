package io.fhirpipe.testsupport.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.RepositoryRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked against what the services
 * will actually read: each built service's application.properties overlaid with its
 * application-servicebus.properties (the profile compose selects), and deploy/servicebus/Config.json
 * (the emulator's entities). Anything a channel attaches to must exist on the emulator, every
 * subscription must have a consumer, every channel must use the Service Bus connector, every variable
 * a service needs must be set, and ports must line up.
 */
class ComposeConsistencyTest {

    private static final String PROFILE = "servicebus";
    private static final String SERVICE_BUS_CONNECTOR = "fhirpipe-service-bus";
    /** The Service Bus emulator's limit on AMQP connections per namespace. */
    private static final int EMULATOR_CONNECTIONS = 10;
    private static final Set<String> SERVICES = Set.of("export-trigger", "export-poller", "ndjson-splitter",
            "synapse-loader");
    private static final Pattern SUBSCRIPTION_ADDRESS = Pattern.compile("([^/:]+)/Subscriptions/([^/:]+)");
    private static final Pattern ARTEMIS_ADDRESS = Pattern.compile("([^:]+)::([^:]+)");
    /** {@code ${NAME}} or {@code ${NAME:default}}: an environment variable (no dots) a property reads. */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?}");
    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)/q/health/ready");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)\\s*$");

    private static Path root;
    private static JsonNode compose;
    private static Map<String, JsonNode> topics;
    private static Set<String> queues;
    private static Map<String, Map<String, String>> configs;

    @BeforeAll
    static void load() throws IOException {
        root = RepositoryRoot.find();
        compose = new YAMLMapper().readTree(root.resolve("docker-compose.yml").toFile());
        JsonNode namespace = new ObjectMapper()
                .readTree(root.resolve(ServiceBusEmulatorConfig.RELATIVE_PATH).toFile())
                .path("UserConfig").path("Namespaces").get(0);
        topics = new LinkedHashMap<>();
        namespace.path("Topics").forEach(t -> topics.put(t.path("Name").asText(), t));
        queues = new LinkedHashSet<>();
        namespace.path("Queues").forEach(q -> queues.add(q.path("Name").asText()));
        configs = new TreeMap<>();
        for (String service : builtServices()) {
            configs.put(service, effectiveConfig(contextOf(service)));
        }
    }

    @Test
    void theFourServicesAreBuiltFromTheirDockerfilesWithTheServiceBusProfile() throws IOException {
        assertThat(builtServices()).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (String service : builtServices()) {
            JsonNode build = service(service).path("build");
            Path dockerfile = contextOf(service).resolve(build.path("dockerfile").asText("Dockerfile"));
            assertThat(dockerfile).as("Dockerfile of %s", service).isRegularFile();
            assertThat(Files.readString(dockerfile)).as(dockerfile.toString()).contains("target/quarkus-app");
            assertThat(environment(service)).as("environment of %s", service).containsEntry("QUARKUS_PROFILE", PROFILE);
            assertThat(contextOf(service).resolve("src/main/resources/application-" + PROFILE + ".properties"))
                    .isRegularFile();
            assertThat(configs.get(service)).as("effective config of %s", service)
                    .containsEntry("fhirpipe.messaging.broker", "service-bus");
        }
    }

    @Test
    void everyIncomingChannelReceivesFromASubscriptionOnTheEmulator() {
        Map<String, String> consumers = new TreeMap<>();
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            for (var channel : channels(entry.getValue(), "incoming").entrySet()) {
                String where = service + " incoming channel " + channel.getKey();
                Matcher address = SUBSCRIPTION_ADDRESS.matcher(channel.getValue());
                assertThat(address.matches()).as("%s: '%s' is not <topic>/Subscriptions/<subscription>", where,
                        channel.getValue()).isTrue();
                String topic = address.group(1);
                String subscription = address.group(2);
                assertThat(topics).as("%s: topic", where).containsKey(topic);
                assertThat(subscriptionNames(topics.get(topic))).as("%s: subscriptions of %s", where, topic)
                        .contains(subscription);
                // The same channel on Artemis must read the same subscription, or the profiles disagree.
                String artemis = baseConfig(service).get("mp.messaging.incoming." + channel.getKey() + ".address");
                assertThat(artemis).as("%s in application.properties", where)
                        .isEqualTo(Topology.standard().topic(topic).queueAddress(subscription));
                assertThat(consumers.put(topic + "/" + subscription, service)).as("%s: second consumer of %s/%s",
                        where, topic, subscription).isNull();
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
     * Every channel goes through the Service Bus connector (one AMQP connection per service); a channel
     * left on SmallRye AMQP would open a connection of its own, authenticate with a key in plain
     * SASL, and settle without lock renewal or native dead-lettering. The emulator takes at most
     * {@value #EMULATOR_CONNECTIONS} connections.
     */
    @Test
    void everyChannelUsesTheServiceBusConnectorSoEachServiceHasOneConnection() {
        int connections = 0;
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            Map<String, String> config = entry.getValue();
            Set<String> channels = new TreeSet<>();
            channels.addAll(channels(config, "incoming").keySet().stream().map(c -> "incoming." + c).toList());
            channels.addAll(channels(config, "outgoing").keySet().stream().map(c -> "outgoing." + c).toList());
            assertThat(channels).as("channels of %s", service).isNotEmpty();
            for (String channel : channels) {
                assertThat(config.get("mp.messaging." + channel + ".connector"))
                        .as("connector of %s channel %s", service, channel).isEqualTo(SERVICE_BUS_CONNECTOR);
            }
            assertThat(config).as("effective config of %s", service)
                    .doesNotContainKeys("amqp-username", "amqp-password");
            assertThat(config.get("fhirpipe.messaging.servicebus.connection-string")).as("%s reads its connection string",
                    service).isEqualTo("${FHIRPIPE_SERVICEBUS_CONNECTION_STRING:}");
            assertThat(config.get("fhirpipe.messaging.servicebus.namespace")).as("%s reads its namespace", service)
                    .isEqualTo("${FHIRPIPE_SERVICEBUS_NAMESPACE:}");
            connections++;
        }
        assertThat(connections).isLessThanOrEqualTo(EMULATOR_CONNECTIONS);
    }

    @Test
    void everyOutgoingChannelSendsToATopicOrADeadLetterQueueOnTheEmulator() {
        int outgoing = 0;
        for (var entry : configs.entrySet()) {
            for (var channel : channels(entry.getValue(), "outgoing").entrySet()) {
                outgoing++;
                String address = channel.getValue();
                String where = entry.getKey() + " outgoing channel " + channel.getKey() + " -> " + address;
                if (address.endsWith(Topology.DEAD_LETTER_SUFFIX)) {
                    assertThat(queues).as(where).contains(address);
                    assertThat(topics).as(where).containsKey(
                            address.substring(0, address.length() - Topology.DEAD_LETTER_SUFFIX.length()));
                } else {
                    assertThat(topics).as(where).containsKey(address);
                }
            }
        }
        assertThat(outgoing).isPositive();
    }

    @Test
    void everyVariableWithoutADefaultIsSetAndEveryVariableSetIsRead() {
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            Map<String, String> config = entry.getValue();
            Map<String, String> environment = environment(service);
            Set<String> required = new TreeSet<>();
            Set<String> read = new TreeSet<>();
            for (String value : config.values()) {
                Matcher m = ENV_REFERENCE.matcher(value);
                while (m.find()) {
                    read.add(m.group(1));
                    if (m.group(2) == null) {
                        required.add(m.group(1));
                    }
                }
            }
            assertThat(environment.keySet()).as("variables %s reads without a default", service)
                    .containsAll(required);
            // A misspelt variable in compose would be ignored silently: each one must be read, either
            // through ${...} or as the environment form of a property the service has.
            Set<String> propertyVariables = new HashSet<>();
            config.keySet().forEach(k -> propertyVariables.add(k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
            for (String variable : environment.keySet()) {
                if (variable.equals("QUARKUS_PROFILE")) {
                    continue;
                }
                assertThat(read.contains(variable) || propertyVariables.contains(variable))
                        .as("%s sets %s, which nothing in its configuration reads", service, variable).isTrue();
            }
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
            assertThat(url.find()).as("healthcheck of %s calls /q/health/ready: %s", service, test).isTrue();
            assertThat(url.group(1)).as("healthcheck port of %s", service).isEqualTo(port);

            Path dockerfile = contextOf(service).resolve(service(service).path("build").path("dockerfile").asText());
            Matcher expose = EXPOSE.matcher(Files.readString(dockerfile));
            assertThat(expose.find()).as("EXPOSE in %s", dockerfile).isTrue();
            assertThat(expose.group(1)).as("EXPOSE in %s", dockerfile).isEqualTo(port);
        }
        // No two services publish the same host port.
        List<String> hostPorts = new ArrayList<>();
        compose.path("services").forEach(s -> s.path("ports").forEach(p -> hostPorts.add(p.asText().split(":")[0])));
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
            assertThat(serviceBus.find()).as("FHIRPIPE_SERVICEBUS_CONNECTION_STRING of %s is an emulator"
                    + " connection string", service).isTrue();
            assertThat(serviceBus.group(1)).as("Service Bus host of %s", service).isEqualTo("servicebus");
            assertThat(names).contains(serviceBus.group(1));
            Matcher blob = Pattern.compile("BlobEndpoint=http://([^:/;]+):10000/devstoreaccount1")
                    .matcher(environment.getOrDefault("FHIRPIPE_STORAGE_CONNECTION_STRING", ""));
            assertThat(blob.find()).as("FHIRPIPE_STORAGE_CONNECTION_STRING of %s", service).isTrue();
            assertThat(blob.group(1)).isEqualTo("azurite");
            if (environment.containsKey("FHIRPIPE_FHIR_BASE_URL")) {
                URI fhir = URI.create(environment.get("FHIRPIPE_FHIR_BASE_URL"));
                assertThat(fhir.getHost()).isEqualTo("hapi");
                assertThat(fhir.getPort()).isEqualTo(8080);
            }
        }
        assertThat(environment("hapi")).containsEntry("hapi.fhir.bulk_export_enabled", "true");
        assertThat(environment("servicebus")).containsEntry("SQL_SERVER", "mssql");
        assertThat(names).contains("mssql", "azurite");
    }

    @Test
    void theEmulatorMountsTheGeneratedConfigJson() {
        List<String> volumes = new ArrayList<>();
        service("servicebus").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).containsExactly(
                "./" + ServiceBusEmulatorConfig.RELATIVE_PATH + ":/ServiceBus_Emulator/ConfigFiles/Config.json:ro");
        assertThat(root.resolve(ServiceBusEmulatorConfig.RELATIVE_PATH)).isRegularFile();
    }

    @Test
    void duckDbLivesOnANamedVolume() {
        Map<String, String> environment = environment("synapse-loader");
        String path = resolve(configs.get("synapse-loader").get("fhirpipe.loader.duckdb.path"), environment);
        assertThat(path).isEqualTo("/data/fhirpipe.duckdb");
        List<String> volumes = new ArrayList<>();
        service("synapse-loader").path("volumes").forEach(v -> volumes.add(v.asText()));
        String mount = volumes.stream().filter(v -> path.startsWith(v.split(":")[1] + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume of synapse-loader holds " + path + ": " + volumes));
        String volume = mount.split(":")[0];
        assertThat(compose.path("volumes").has(volume)).as("named volume %s is declared", volume).isTrue();
    }

    // --- compose and configuration access ---

    private static List<String> builtServices() {
        List<String> built = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().has("build")) {
                built.add(e.getKey());
            }
        });
        return built;
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertThat(service.isMissingNode()).as("service %s in docker-compose.yml", name).isFalse();
        return service;
    }

    private static Path contextOf(String service) {
        JsonNode build = service(service).path("build");
        String context = build.isTextual() ? build.asText() : build.path("context").asText();
        return root.resolve(context).normalize();
    }

    /** Compose's environment as a map, whether written as a map or as a list of NAME=value. */
    private static Map<String, String> environment(String service) {
        JsonNode node = service(service).path("environment");
        Map<String, String> environment = new TreeMap<>();
        if (node.isArray()) {
            node.forEach(e -> {
                String[] parts = e.asText().split("=", 2);
                environment.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        }
        return environment;
    }

    private static Map<String, String> baseConfig(String service) {
        try {
            return properties(contextOf(service).resolve("src/main/resources/application.properties"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What Quarkus sees with the profile active: application.properties, then %profile. keys, then
     * application-profile.properties; keys of other profiles (%test., %dev.) are left out.
     */
    private static Map<String, String> effectiveConfig(Path module) throws IOException {
        Map<String, String> base = properties(module.resolve("src/main/resources/application.properties"));
        Map<String, String> effective = new TreeMap<>();
        base.forEach((k, v) -> {
            if (!k.startsWith("%")) {
                effective.put(k, v);
            }
        });
        base.forEach((k, v) -> {
            if (k.startsWith("%" + PROFILE + ".") || k.startsWith("%prod.")) {
                effective.put(k.substring(k.indexOf('.') + 1), v);
            }
        });
        Path profile = module.resolve("src/main/resources/application-" + PROFILE + ".properties");
        if (Files.exists(profile)) {
            effective.putAll(properties(profile));
        }
        return effective;
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    /** Channel name to address, for channels of one direction. */
    private static Map<String, String> channels(Map<String, String> config, String direction) {
        Pattern key = Pattern.compile("mp\\.messaging\\." + direction + "\\.([^.]+)\\.address");
        Map<String, String> channels = new TreeMap<>();
        config.forEach((k, v) -> {
            Matcher m = key.matcher(k);
            if (m.matches()) {
                channels.put(m.group(1), v);
            }
        });
        return channels;
    }

    private static Set<String> subscriptionNames(JsonNode topic) {
        Set<String> names = new LinkedHashSet<>();
        topic.path("Subscriptions").forEach(s -> names.add(s.path("Name").asText()));
        return names;
    }

    /** A property value with its ${VAR:default} references resolved against compose's environment. */
    private static String resolve(String value, Map<String, String> environment) {
        Matcher m = ENV_REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String replacement = environment.containsKey(m.group(1)) ? environment.get(m.group(1))
                    : m.group(2) == null ? "" : m.group(2).substring(1);
            m.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(resolved);
        return resolved.toString();
    }
}
