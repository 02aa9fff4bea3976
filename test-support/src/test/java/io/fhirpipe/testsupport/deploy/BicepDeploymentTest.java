package io.fhirpipe.testsupport.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fhirpipe.model.topology.BicepTopology;
import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.RepositoryRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/azure/ (Bicep for Container Apps) cannot be compiled here (no Bicep CLI), so it is checked as
 * text against what it must match: deploy/azure/topology.json (generated from Topology.standard(); its
 * own test is shared-model's BicepTopologyTest), the emulator's deploy/servicebus/Config.json, the
 * services docker-compose.yml builds and their configuration with the "servicebus" profile. The same
 * topics and subscriptions must appear everywhere, every entity must come from the generated file,
 * each app must scale on exactly the subscriptions it receives from, and every setting each service
 * needs on Azure must be set in its container app and be read by the service.
 */
class BicepDeploymentTest {

    private static final String PROFILE = "servicebus";
    private static final Pattern SUBSCRIPTION_ADDRESS = Pattern.compile("([^/:]+)/Subscriptions/([^/:]+)");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?}");
    private static final Pattern ENV_NAME = Pattern.compile("name: '([A-Z][A-Z0-9_]*)'");
    private static final Pattern RESOURCE = Pattern.compile("(?m)^resource \\w+ '([A-Za-z.]+/[A-Za-z/]+)@([0-9a-z-]+)'");
    private static final Pattern MODULE = Pattern.compile("(?m)^module \\w+ '([\\w.-]+\\.bicep)'");

    /**
     * What each service must be given on Azure (besides every ${VAR} without a default): Service Bus
     * through the namespace and its identity, storage through its account URL and identity, the FHIR
     * server, the warehouse, and Event Grid instead of the transfer publishing BlobCreated.
     */
    private static final Map<String, Set<String>> REQUIRED_ON_AZURE = Map.of(
            "export-trigger", Set.of("QUARKUS_PROFILE", "FHIRPIPE_SERVICEBUS_NAMESPACE",
                    "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_STORAGE_ACCOUNT_URL",
                    "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_FHIR_BASE_URL",
                    "FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE"),
            "export-poller", Set.of("QUARKUS_PROFILE", "FHIRPIPE_SERVICEBUS_NAMESPACE",
                    "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_STORAGE_ACCOUNT_URL",
                    "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_FHIR_BASE_URL",
                    "FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE", "FHIRPIPE_PUBLISH_BLOB_CREATED"),
            "ndjson-splitter", Set.of("QUARKUS_PROFILE", "FHIRPIPE_SERVICEBUS_NAMESPACE",
                    "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_STORAGE_ACCOUNT_URL",
                    "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID"),
            "synapse-loader", Set.of("QUARKUS_PROFILE", "FHIRPIPE_SERVICEBUS_NAMESPACE",
                    "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_STORAGE_ACCOUNT_URL",
                    "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID", "FHIRPIPE_LOADER_DIALECT",
                    "FHIRPIPE_LOADER_SQL_JDBC_URL", "FHIRPIPE_LOADER_SQL_AUTH",
                    "FHIRPIPE_LOADER_SQL_STORAGE_ACCOUNT_URL"));

    /**
     * Variables for config-mapping properties that no properties file names as a key (their defaults
     * live in the mapping): variable -> the mapping source and the method that reads it. SmallRye
     * Config maps FHIRPIPE_A_B_C to fhirpipe.a.b-c for a mapping property.
     */
    private static final Map<String, String[]> MAPPING_VARIABLES = Map.ofEntries(
            Map.entry("FHIRPIPE_STORAGE_ACCOUNT_URL", storage("accountUrl()")),
            Map.entry("FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID", storage("managedIdentityClientId()")),
            Map.entry("FHIRPIPE_STORAGE_CREATE_CONTAINERS", storage("createContainers()")),
            Map.entry("FHIRPIPE_SERVERS_LOCAL_AUTH_SCOPE", fhirAuth("scope()")),
            Map.entry("FHIRPIPE_SERVERS_LOCAL_AUTH_MANAGED_IDENTITY_CLIENT_ID", fhirAuth("managedIdentityClientId()")),
            Map.entry("FHIRPIPE_LOADER_SQL_JDBC_URL", loader("jdbcUrl()")),
            Map.entry("FHIRPIPE_LOADER_SQL_AUTH", loader("auth()")),
            Map.entry("FHIRPIPE_LOADER_SQL_USER", loader("user()")),
            Map.entry("FHIRPIPE_LOADER_SQL_PASSWORD", loader("password()")),
            Map.entry("FHIRPIPE_LOADER_SQL_MANAGED_IDENTITY_CLIENT_ID", loader("managedIdentityClientId()")),
            Map.entry("FHIRPIPE_LOADER_SQL_STORAGE_ACCOUNT_URL", loader("storageAccountUrl()")),
            Map.entry("FHIRPIPE_LOADER_SQL_STORAGE_CREDENTIAL", loader("storageCredential()")),
            Map.entry("FHIRPIPE_LOADER_SQL_SAS_TOKEN", loader("sasToken()")));
    /** Read by the Azure SDK's DefaultAzureCredential and by Quarkus itself. */
    private static final Set<String> PLATFORM_VARIABLES = Set.of("AZURE_CLIENT_ID", "QUARKUS_PROFILE");

    /** Resource types and the API versions the Bicep was written against (Microsoft's template reference). */
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Microsoft.ServiceBus/namespaces", "2024-01-01"),
            Map.entry("Microsoft.ServiceBus/namespaces/topics", "2024-01-01"),
            Map.entry("Microsoft.ServiceBus/namespaces/queues", "2024-01-01"),
            Map.entry("Microsoft.ServiceBus/namespaces/topics/subscriptions", "2024-01-01"),
            Map.entry("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules", "2024-01-01"),
            Map.entry("Microsoft.Authorization/roleAssignments", "2022-04-01"),
            Map.entry("Microsoft.Storage/storageAccounts", "2023-05-01"),
            Map.entry("Microsoft.Storage/storageAccounts/blobServices", "2023-05-01"),
            Map.entry("Microsoft.Storage/storageAccounts/blobServices/containers", "2023-05-01"),
            Map.entry("Microsoft.EventGrid/systemTopics", "2022-06-15"),
            Map.entry("Microsoft.EventGrid/systemTopics/eventSubscriptions", "2022-06-15"),
            Map.entry("Microsoft.ManagedIdentity/userAssignedIdentities", "2023-01-31"),
            Map.entry("Microsoft.KeyVault/vaults", "2023-07-01"),
            Map.entry("Microsoft.KeyVault/vaults/secrets", "2023-07-01"),
            Map.entry("Microsoft.OperationalInsights/workspaces", "2023-09-01"),
            Map.entry("Microsoft.App/managedEnvironments", "2024-03-01"),
            Map.entry("Microsoft.App/containerApps", "2024-10-02-preview"),
            Map.entry("Microsoft.HealthcareApis/workspaces/fhirservices", "2023-11-01"),
            Map.entry("Microsoft.ContainerRegistry/registries", "2023-07-01"));

    private static Path root;
    private static Path azure;
    private static JsonNode topology;
    private static JsonNode emulator;
    private static JsonNode compose;
    private static Map<String, Map<String, String>> configs;
    private static Map<String, String> bicep;

    @BeforeAll
    static void load() throws IOException {
        root = RepositoryRoot.find();
        azure = root.resolve("deploy/azure");
        ObjectMapper json = new ObjectMapper();
        topology = json.readTree(root.resolve(BicepTopology.RELATIVE_PATH).toFile());
        emulator = json.readTree(root.resolve(ServiceBusEmulatorConfig.RELATIVE_PATH).toFile())
                .path("UserConfig").path("Namespaces").get(0);
        compose = new YAMLMapper().readTree(root.resolve("docker-compose.yml").toFile());
        configs = new TreeMap<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().has("build")) {
                JsonNode build = e.getValue().path("build");
                String context = build.isTextual() ? build.asText() : build.path("context").asText();
                configs.put(e.getKey(), effectiveConfig(root.resolve(context).normalize()));
            }
        });
        bicep = new TreeMap<>();
        try (Stream<Path> files = Files.list(azure)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".bicep")).toList()) {
                bicep.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    // --- the same topics and subscriptions everywhere ---

    @Test
    void bicepEmulatorAndComposeServicesNameExactlyTheTopologysTopicsAndSubscriptions() {
        Topology standard = Topology.standard();
        List<String> expectedTopics = standard.topics().stream().map(TopicDefinition::name).toList();
        Set<String> expectedSubscriptions = new TreeSet<>();
        for (TopicDefinition t : standard.topics()) {
            for (SubscriptionDefinition s : t.subscriptions()) {
                expectedSubscriptions.add(t.name() + "/" + s.name());
            }
        }
        // Bicep's source of entities
        assertThat(texts(topology.path("topics"), "name")).containsExactlyElementsOf(expectedTopics);
        Set<String> bicepSubscriptions = new TreeSet<>();
        topology.path("subscriptions").forEach(s -> bicepSubscriptions.add(s.path("topic").asText() + "/"
                + s.path("name").asText()));
        assertThat(bicepSubscriptions).isEqualTo(expectedSubscriptions);
        // the emulator (a topic without consumers has the emulator's observer subscription)
        assertThat(texts(emulator.path("Topics"), "Name")).containsExactlyElementsOf(expectedTopics);
        Set<String> emulatorSubscriptions = new TreeSet<>();
        emulator.path("Topics").forEach(t -> t.path("Subscriptions").forEach(s -> {
            if (!s.path("Name").asText().equals(ServiceBusEmulatorConfig.OBSERVER_SUBSCRIPTION)) {
                emulatorSubscriptions.add(t.path("Name").asText() + "/" + s.path("Name").asText());
            }
        }));
        assertThat(emulatorSubscriptions).isEqualTo(expectedSubscriptions);
        // the services compose runs, with the servicebus profile: what they receive from
        Set<String> composeSubscriptions = new TreeSet<>();
        configs.values().forEach(c -> composeSubscriptions.addAll(receives(c)));
        assertThat(composeSubscriptions).isEqualTo(expectedSubscriptions);
        // Bicep and the emulator filter alike: the same retry-copy rule on every subscription
        Map<String, String> emulatorRules = new TreeMap<>();
        emulator.path("Topics").forEach(t -> t.path("Subscriptions").forEach(s -> emulatorRules.put(
                t.path("Name").asText() + "/" + s.path("Name").asText(),
                s.path("Rules").path(0).path("Properties").path("SqlFilter").path("SqlExpression").asText())));
        topology.path("subscriptions").forEach(s -> assertThat(emulatorRules)
                .containsEntry(s.path("topic").asText() + "/" + s.path("name").asText(),
                        s.path("rule").path("sqlExpression").asText()));
    }

    @Test
    void theBicepTakesEveryEntityFromTheGeneratedTopologyAndNamesNone() {
        String serviceBus = bicep.get("servicebus.bicep");
        assertThat(serviceBus).contains("loadJsonContent('topology.json')")
                .contains("= [for t in topology.topics: {")
                .contains("= [for q in topology.deadLetterQueues: {")
                .contains("= [for s in topology.subscriptions: {")
                .contains("= [for (s, i) in topology.subscriptions: {")
                .contains("name: '${namespace.name}/${s.topic}/${s.name}/${s.rule.name}'")
                .contains("sqlExpression: s.rule.sqlExpression")
                .contains("properties: t.properties").contains("properties: s.properties").contains("properties: q.properties");
        assertThat(bicep.get("storage.bicep")).contains("= [for c in topology.containers: {");
        assertThat(bicep.get("eventgrid.bicep")).contains("values: topology.eventGrid.apis")
                .contains("subjectBeginsWith: topology.eventGrid.subjectBeginsWith")
                .contains("'Microsoft.Storage.BlobCreated'").contains("endpointType: 'ServiceBusTopic'");
        assertThat(bicep.get("containerapps.bicep")).contains("module apps 'app.bicep' = [for s in topology.services: {");
        // No entity name hard-wired anywhere: a renamed topic would leave it behind.
        Set<String> entityNames = new TreeSet<>(texts(topology.path("topics"), "name"));
        entityNames.addAll(texts(topology.path("deadLetterQueues"), "name"));
        topology.path("subscriptions").forEach(s -> entityNames.add(s.path("name").asText()));
        entityNames.removeAll(texts(topology.path("services"), "name")); // a service may share its subscription's name
        bicep.forEach((file, text) -> entityNames.forEach(name ->
                assertThat(text).as("%s names '%s' itself instead of reading topology.json", file, name)
                        .doesNotContain("'" + name + "'").doesNotContain("'" + name + "/")));
        // The files Bicep loads exist.
        bicep.forEach((file, text) -> {
            Matcher m = Pattern.compile("loadJsonContent\\('([^']+)'\\)").matcher(text);
            while (m.find()) {
                assertThat(azure.resolve(m.group(1))).as("%s loads %s", file, m.group(1)).isRegularFile();
            }
            Matcher module = MODULE.matcher(text);
            while (module.find()) {
                assertThat(bicep).as("%s uses module %s", file, module.group(1)).containsKey(module.group(1));
            }
        });
    }

    @Test
    void eventGridSendsFinishedLandingFilesTheWayTheSplitterReadsThem() throws IOException {
        String splitter = Files.readString(root.resolve(
                "ndjson-splitter/src/main/java/io/fhirpipe/ndjsonsplitter/events/BlobCreatedEvents.java"));
        Matcher apis = Pattern.compile("FINISHED_APIS = Set\\.of\\(([^)]*)\\)").matcher(splitter);
        assertThat(apis.find()).isTrue();
        Set<String> splitterApis = new TreeSet<>();
        Matcher quoted = Pattern.compile("\"([A-Za-z]+)\"").matcher(apis.group(1));
        while (quoted.find()) {
            splitterApis.add(quoted.group(1));
        }
        assertThat(new TreeSet<>(texts(topology.path("eventGrid").path("apis"), null))).isEqualTo(splitterApis);
        assertThat(topology.path("eventGrid").path("topic").asText()).isEqualTo("blob-created");
        // The splitter is the one receiver of what Event Grid sends.
        assertThat(receives(configs.get("ndjson-splitter"))).containsExactly("blob-created/ndjson-splitter");
    }

    @Test
    void theRetryCopyRuleFiltersOnThePropertyTheConnectorSets() throws IOException {
        String properties = Files.readString(root.resolve(
                "pipeline-runtime/src/main/java/io/fhirpipe/runtime/messaging/MessageProperties.java"));
        assertThat(properties).contains("RETRY_FOR = \"" + Topology.RETRY_FOR_PROPERTY + "\"");
        topology.path("subscriptions").forEach(s -> assertThat(s.path("rule").path("sqlExpression").asText())
                .contains("[" + Topology.RETRY_FOR_PROPERTY + "] = '" + s.path("name").asText() + "'"));
        // The connector schedules its retry copies on the topic it receives from.
        String inbound = Files.readString(root.resolve(
                "pipeline-runtime/src/main/java/io/fhirpipe/runtime/servicebus/InboundChannel.java"));
        assertThat(inbound).contains("transport.sender(settings.topic())");
    }

    // --- each service ---

    @Test
    void theServicesOfTheDeploymentAreTheServicesComposeBuildsWithTheirPorts() {
        assertThat(new TreeSet<>(texts(topology.path("services"), "name"))).isEqualTo(configs.keySet());
        topology.path("services").forEach(s -> assertThat(s.path("port").asText())
                .as("port of %s", s.path("name").asText())
                .isEqualTo(configs.get(s.path("name").asText()).get("quarkus.http.port")));
    }

    @Test
    void eachAppScalesOnExactlyTheSubscriptionsItsServiceReceivesFrom() {
        for (JsonNode service : topology.path("services")) {
            String name = service.path("name").asText();
            Set<String> deployed = new TreeSet<>();
            service.path("receives").forEach(r -> deployed.add(r.path("topic").asText() + "/"
                    + r.path("subscription").asText()));
            assertThat(deployed).as("subscriptions %s scales on", name).isEqualTo(receives(configs.get(name)));
            assertThat(service.path("minReplicas").asInt()).as("min replicas of %s", name)
                    .isEqualTo(name.equals("export-trigger") ? 1 : 0);
        }
        String app = bicep.get("app.bicep");
        String rules = block(app, "rules: [for r in receives: {", "}]");
        assertThat(rules).contains("type: 'azure-servicebus'").contains("identity: scalerIdentityId")
                .contains("namespace: serviceBusNamespaceName").contains("topicName: r.topic")
                .contains("subscriptionName: r.subscription").doesNotContain("auth:");
        assertThat(app).contains("minReplicas: minReplicas")
                .contains("lifecycle: 'None'"); // the scaler identity is not the containers'
        assertThat(bicep.get("containerapps.bicep")).contains("receives: s.receives")
                .contains("minReplicas: s.minReplicas").contains("port: s.port").contains("image: images[s.name]");
    }

    @Test
    void eachAppHasHealthProbesOnItsPort() {
        String app = bicep.get("app.bicep");
        for (String probe : List.of("Liveness:/q/health/live", "Readiness:/q/health/ready", "Startup:/q/health/started")) {
            String[] parts = probe.split(":");
            Matcher m = Pattern.compile("type: '" + parts[0] + "'\\s+httpGet: \\{\\s+path: '" + parts[1]
                    + "'\\s+port: port").matcher(app);
            assertThat(m.find()).as("%s probe on %s", parts[0], parts[1]).isTrue();
        }
    }

    @Test
    void everySettingEachServiceNeedsIsSetInItsContainerAppAndReadByTheService() throws IOException {
        for (var entry : configs.entrySet()) {
            String service = entry.getKey();
            Map<String, String> config = entry.getValue();
            Set<String> set = environment(service);
            Set<String> required = new TreeSet<>(REQUIRED_ON_AZURE.get(service));
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
            assertThat(set).as("variables the %s container app sets", service).containsAll(required);
            Set<String> propertyForms = new TreeSet<>();
            config.keySet().forEach(k -> propertyForms.add(k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
            for (String variable : set) {
                if (read.contains(variable) || propertyForms.contains(variable) || PLATFORM_VARIABLES.contains(variable)) {
                    continue;
                }
                String[] mapping = MAPPING_VARIABLES.get(variable);
                assertThat(mapping).as("%s sets %s, which nothing in its configuration reads", service, variable)
                        .isNotNull();
                assertThat(Files.readString(root.resolve(mapping[0]))).as("%s reads %s", mapping[0], variable)
                        .contains(mapping[1]);
            }
        }
        assertThat(bicep.get("app.bicep")).containsPattern("name: 'QUARKUS_PROFILE'\\s+value: '" + PROFILE + "'");
    }

    @Test
    void theTransferLeavesBlobCreatedToEventGridOnAzure() {
        Map<String, String> poller = configs.get("export-poller");
        Matcher m = ENV_REFERENCE.matcher(poller.get("fhirpipe.transfer.publish-blob-created"));
        assertThat(m.find()).isTrue();
        String variable = m.group(1);
        assertThat(serviceEnvBlock("export-poller"))
                .containsPattern("name: '" + variable + "'\\s+value: 'false'");
        // and so the poller gets no Sender role on blob-created; Event Grid's identity has it
        Set<String> pollerSends = new TreeSet<>();
        topology.path("senderAssignments").forEach(a -> {
            if (a.path("service").asText().equals("export-poller")) {
                pollerSends.add(a.path("topic").asText());
            }
        });
        assertThat(pollerSends).doesNotContain("blob-created");
        assertThat(bicep.get("servicebus.bicep")).contains("name: topology.eventGrid.topic")
                .contains("principalId: eventGridIdentity.principalId");
    }

    @Test
    void eachIdentitySendsExactlyWhereItsServicePublishesOrSchedulesRetryCopies() {
        for (JsonNode service : topology.path("services")) {
            String name = service.path("name").asText();
            Map<String, String> config = configs.get(name);
            Set<String> expected = new TreeSet<>();
            channels(config, "outgoing").forEach((channel, address) -> {
                boolean eventGridDoesIt = name.equals("export-poller") && address.equals("blob-created");
                if (!address.endsWith(Topology.DEAD_LETTER_SUFFIX) && !eventGridDoesIt) {
                    expected.add(address);
                }
            });
            receives(config).forEach(r -> expected.add(r.substring(0, r.indexOf('/'))));
            assertThat(new TreeSet<>(texts(service.path("sends"), null))).as("topics %s sends to", name)
                    .isEqualTo(expected);
        }
        String serviceBus = bicep.get("servicebus.bicep");
        assertThat(serviceBus).contains("[for (a, i) in topology.senderAssignments: {")
                .contains("[for (a, i) in topology.receiverAssignments: {")
                .contains("'69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'") // Azure Service Bus Data Sender
                .contains("'4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'") // Azure Service Bus Data Receiver
                .contains("'090c5cfd-751d-490a-894a-3ce6f1109419'"); // Azure Service Bus Data Owner (KEDA only)
        assertThat(block(serviceBus, "resource receiverRoles", "}]")).contains("scope: receiverScopes[i]")
                .contains("roleDefinitionId: dataReceiver");
        assertThat(block(serviceBus, "resource senderRoles", "}]")).contains("scope: senderScopes[i]")
                .contains("roleDefinitionId: dataSender");
        assertThat(block(serviceBus, "resource scalerRoles", "}]")).contains("principalId: scalerIdentity.principalId");
        assertThat(bicep.get("storage.bicep")).contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'") // Blob Data Contributor
                .contains("'2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'"); // Blob Data Reader
        assertThat(bicep.get("fhir-roles.bicep")).contains("'3db33094-8700-4567-8da5-1501d4e7e843'"); // FHIR Data Exporter
        assertThat(bicep.get("keyvault.bicep")).contains("'4633458b-17de-408a-b874-0445c86b69e6'"); // Key Vault Secrets User
    }

    // --- the Bicep as text ---

    @Test
    void everyResourceUsesADocumentedApiVersionAndTheBracketsBalance() {
        assertThat(bicep.keySet()).contains("main.bicep", "servicebus.bicep", "storage.bicep", "eventgrid.bicep",
                "identities.bicep", "containerapps.bicep", "app.bicep", "keyvault.bicep", "monitoring.bicep");
        bicep.forEach((file, text) -> {
            Matcher m = RESOURCE.matcher(text);
            while (m.find()) {
                assertThat(API_VERSIONS).as("%s: resource type %s", file, m.group(1)).containsKey(m.group(1));
                assertThat(m.group(2)).as("%s: API version of %s", file, m.group(1)).isEqualTo(API_VERSIONS.get(m.group(1)));
            }
            String code = text.replaceAll("(?m)//.*$", "").replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
            for (String pair : List.of("{}", "[]", "()")) {
                assertThat(code.chars().filter(c -> c == pair.charAt(0)).count())
                        .as("%s: '%s' and '%s' balance", file, pair.charAt(0), pair.charAt(1))
                        .isEqualTo(code.chars().filter(c -> c == pair.charAt(1)).count());
            }
            assertThat(text).as("%s has no tabs", file).doesNotContain("\t");
        });
        assertThat(bicep.get("main.bicep")).contains("never been compiled");
    }

    // --- helpers ---

    /** Variable names the container app of {@code service} sets: app.bicep's baseEnv and its serviceEnv entry. */
    private static Set<String> environment(String service) {
        Set<String> names = new TreeSet<>(envNames(block(bicep.get("app.bicep"), "var baseEnv = [", "\n]")));
        String own = serviceEnvBlock(service);
        names.addAll(envNames(own));
        String containerApps = bicep.get("containerapps.bicep");
        Matcher vars = Pattern.compile("(?m)^var (\\w+) = \\[").matcher(containerApps);
        while (vars.find()) {
            if (Pattern.compile("\\b" + vars.group(1) + "\\b").matcher(own).find()) {
                names.addAll(envNames(block(containerApps, "var " + vars.group(1) + " = [", "\n]")));
            }
        }
        return names;
    }

    private static String serviceEnvBlock(String service) {
        String serviceEnv = block(bicep.get("containerapps.bicep"), "var serviceEnv = {", "\n}");
        int start = serviceEnv.indexOf("\n  '" + service + "':");
        assertThat(start).as("serviceEnv has an entry for %s", service).isNotNegative();
        Matcher next = Pattern.compile("\\n  '[a-z-]+':").matcher(serviceEnv);
        int end = next.find(start + 1) ? next.start() : serviceEnv.length();
        return serviceEnv.substring(start, end);
    }

    private static Set<String> envNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = ENV_NAME.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String block(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'%s' is in the Bicep", start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        assertThat(to).as("'%s' ends", start).isPositive();
        return text.substring(from, to + end.length());
    }

    private static Set<String> receives(Map<String, String> config) {
        Set<String> subscriptions = new TreeSet<>();
        channels(config, "incoming").values().forEach(address -> {
            Matcher m = SUBSCRIPTION_ADDRESS.matcher(address);
            assertThat(m.matches()).as("'%s' is <topic>/Subscriptions/<subscription>", address).isTrue();
            subscriptions.add(m.group(1) + "/" + m.group(2));
        });
        return subscriptions;
    }

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

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(field == null ? n.asText() : n.path(field).asText()));
        return texts;
    }

    /** application.properties without other profiles' keys, then %servicebus./%prod. keys, then application-servicebus.properties. */
    private static Map<String, String> effectiveConfig(Path module) {
        try {
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
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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

    private static String[] storage(String method) {
        return new String[] {"pipeline-runtime/src/main/java/io/fhirpipe/runtime/storage/StorageConfig.java", method};
    }

    private static String[] fhirAuth(String method) {
        return new String[] {"fhir-client/src/main/java/io/fhirpipe/fhirclient/config/FhirServerAuthConfig.java", method};
    }

    private static String[] loader(String method) {
        return new String[] {"synapse-loader/src/main/java/io/fhirpipe/synapseloader/config/LoaderConfig.java", method};
    }
}
