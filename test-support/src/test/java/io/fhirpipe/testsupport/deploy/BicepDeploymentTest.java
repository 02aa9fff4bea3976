package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/azure/ (Bicep for Container Apps) cannot be compiled here (no Bicep CLI), so it is checked as
 * text against what it must match: deploy/azure/topology.json (generated from Topology.standard(); its
 * own test is shared-model's BicepTopologyTest) and the services' configuration with the "servicebus"
 * profile ({@link ServiceConfig}). Every entity must come from the generated file, each app must scale
 * on exactly the subscriptions it receives from, and what a service needs on Azure beyond every
 * deployment's settings must be set in its container app and be read by the service. That the
 * entities are Topology.standard()'s and every required setting is wired, in the Bicep as in every
 * other artefact, is DeploymentConsistencyTest's.
 */
class BicepDeploymentTest {

    private static final Pattern RESOURCE =
            Pattern.compile("(?m)^resource \\w+ '([A-Za-z.]+/[A-Za-z/]+)@([0-9a-z-]+)'");
    private static final Pattern MODULE = Pattern.compile("(?m)^module \\w+ '([\\w.-]+\\.bicep)'");

    /**
     * What each service must be given on Azure beyond what every deployment must set (its ${VAR}s
     * without a default and its connection settings: DeploymentConsistencyTest): Service Bus
     * through the namespace and its identity, storage through its account URL and identity, the FHIR
     * server, the warehouse, and Event Grid instead of the transfer publishing BlobCreated.
     */
    private static final Map<String, Set<String>> REQUIRED_ON_AZURE = Map.of(
            "export-trigger",
                    Set.of(
                            "QUARKUS_PROFILE",
                            "FHIRPIPE_SERVICEBUS_NAMESPACE",
                            "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_STORAGE_ACCOUNT_URL",
                            "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_FHIR_BASE_URL",
                            "FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE"),
            "export-poller",
                    Set.of(
                            "QUARKUS_PROFILE",
                            "FHIRPIPE_SERVICEBUS_NAMESPACE",
                            "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_STORAGE_ACCOUNT_URL",
                            "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_FHIR_BASE_URL",
                            "FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE",
                            "FHIRPIPE_PUBLISH_BLOB_CREATED"),
            "ndjson-splitter",
                    Set.of(
                            "QUARKUS_PROFILE",
                            "FHIRPIPE_SERVICEBUS_NAMESPACE",
                            "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_STORAGE_ACCOUNT_URL",
                            "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID"),
            "synapse-loader",
                    Set.of(
                            "QUARKUS_PROFILE",
                            "FHIRPIPE_SERVICEBUS_NAMESPACE",
                            "FHIRPIPE_SERVICEBUS_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_STORAGE_ACCOUNT_URL",
                            "FHIRPIPE_STORAGE_MANAGED_IDENTITY_CLIENT_ID",
                            "FHIRPIPE_LOADER_DIALECT",
                            "FHIRPIPE_LOADER_SQL_JDBC_URL",
                            "FHIRPIPE_LOADER_SQL_AUTH",
                            "FHIRPIPE_LOADER_SQL_STORAGE_ACCOUNT_URL"));

    /** Read by the Azure SDK's DefaultAzureCredential, not by the services' configuration. */
    private static final Set<String> PLATFORM_VARIABLES = Set.of("AZURE_CLIENT_ID");

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
    private static Map<String, ServiceConfig> configs;
    private static Map<String, String> bicep;

    @BeforeAll
    static void load() {
        root = Deployments.root();
        azure = root.resolve("deploy/azure");
        topology = Deployments.bicepTopology();
        configs = ServiceConfig.all();
        bicep = Deployments.bicepFiles();
    }

    // --- the entities (that they are Topology.standard()'s everywhere: DeploymentConsistencyTest) ---

    @Test
    void theBicepTakesEveryEntityFromTheGeneratedTopologyAndNamesNone() {
        String serviceBus = bicep.get("servicebus.bicep");
        assertThat(serviceBus)
                .contains("loadJsonContent('topology.json')")
                .contains("= [for t in topology.topics: {")
                .contains("= [for q in topology.deadLetterQueues: {")
                .contains("= [for s in topology.subscriptions: {")
                .contains("= [for (s, i) in topology.subscriptions: {")
                .contains("name: '${namespace.name}/${s.topic}/${s.name}/${s.rule.name}'")
                .contains("sqlExpression: s.rule.sqlExpression")
                .contains("properties: t.properties")
                .contains("properties: s.properties")
                .contains("properties: q.properties");
        assertThat(bicep.get("storage.bicep")).contains("= [for c in topology.containers: {");
        assertThat(bicep.get("eventgrid.bicep"))
                .contains("values: topology.eventGrid.apis")
                .contains("subjectBeginsWith: topology.eventGrid.subjectBeginsWith")
                .contains("'Microsoft.Storage.BlobCreated'")
                .contains("endpointType: 'ServiceBusTopic'");
        assertThat(bicep.get("containerapps.bicep"))
                .contains("module apps 'app.bicep' = [for s in topology.services: {");
        // No entity name hard-wired anywhere: a renamed topic would leave it behind.
        Set<String> entityNames = new TreeSet<>(texts(topology.path("topics"), "name"));
        entityNames.addAll(texts(topology.path("deadLetterQueues"), "name"));
        topology.path("subscriptions")
                .forEach(s -> entityNames.add(s.path("name").asText()));
        entityNames.removeAll(texts(topology.path("services"), "name")); // a service may share its subscription's name
        bicep.forEach((file, text) -> entityNames.forEach(name -> assertThat(text)
                .as("%s names '%s' itself instead of reading topology.json", file, name)
                .doesNotContain("'" + name + "'")
                .doesNotContain("'" + name + "/")));
        // The files Bicep loads exist.
        bicep.forEach((file, text) -> {
            Matcher m = Pattern.compile("loadJsonContent\\('([^']+)'\\)").matcher(text);
            while (m.find()) {
                assertThat(azure.resolve(m.group(1)))
                        .as("%s loads %s", file, m.group(1))
                        .isRegularFile();
            }
            Matcher module = MODULE.matcher(text);
            while (module.find()) {
                assertThat(bicep).as("%s uses module %s", file, module.group(1)).containsKey(module.group(1));
            }
        });
    }

    @Test
    void eventGridSendsFinishedLandingFilesTheWayTheSplitterReadsThem() throws IOException {
        String splitter = Files.readString(
                root.resolve("ndjson-splitter/src/main/java/io/fhirpipe/ndjsonsplitter/events/BlobCreatedEvents.java"));
        Matcher apis = Pattern.compile("FINISHED_APIS = Set\\.of\\(([^)]*)\\)").matcher(splitter);
        assertThat(apis.find()).isTrue();
        Set<String> splitterApis = new TreeSet<>();
        Matcher quoted = Pattern.compile("\"([A-Za-z]+)\"").matcher(apis.group(1));
        while (quoted.find()) {
            splitterApis.add(quoted.group(1));
        }
        assertThat(new TreeSet<>(texts(topology.path("eventGrid").path("apis"), null)))
                .isEqualTo(splitterApis);
        assertThat(topology.path("eventGrid").path("topic").asText()).isEqualTo("blob-created");
        // The splitter is the one receiver of what Event Grid sends.
        assertThat(configs.get("ndjson-splitter").receives()).containsExactly("blob-created/ndjson-splitter");
    }

    @Test
    void theRetryCopyRuleFiltersOnThePropertyTheConnectorSets() throws IOException {
        String properties = Files.readString(
                root.resolve("pipeline-runtime/src/main/java/io/fhirpipe/runtime/messaging/MessageProperties.java"));
        assertThat(properties).contains("RETRY_FOR = \"" + Topology.RETRY_FOR_PROPERTY + "\"");
        topology.path("subscriptions")
                .forEach(s -> assertThat(s.path("rule").path("sqlExpression").asText())
                        .contains("[" + Topology.RETRY_FOR_PROPERTY + "] = '"
                                + s.path("name").asText() + "'"));
        // The connector schedules its retry copies on the topic it receives from.
        String inbound = Files.readString(
                root.resolve("pipeline-runtime/src/main/java/io/fhirpipe/runtime/servicebus/InboundChannel.java"));
        assertThat(inbound).contains("transport.sender(settings.topic())");
    }

    // --- each service ---

    @Test
    void theServicesOfTheDeploymentAreTheServicesComposeBuildsWithTheirPorts() {
        assertThat(new TreeSet<>(texts(topology.path("services"), "name"))).isEqualTo(configs.keySet());
        topology.path("services")
                .forEach(s -> assertThat(s.path("port").asText())
                        .as("port of %s", s.path("name").asText())
                        .isEqualTo(configs.get(s.path("name").asText()).get("quarkus.http.port")));
    }

    @Test
    void eachAppScalesOnExactlyTheSubscriptionsItsServiceReceivesFrom() {
        for (JsonNode service : topology.path("services")) {
            String name = service.path("name").asText();
            Set<String> deployed = new TreeSet<>();
            service.path("receives")
                    .forEach(r -> deployed.add(r.path("topic").asText() + "/"
                            + r.path("subscription").asText()));
            assertThat(deployed)
                    .as("subscriptions %s scales on", name)
                    .isEqualTo(configs.get(name).receives());
            assertThat(service.path("minReplicas").asInt())
                    .as("min replicas of %s", name)
                    .isEqualTo(name.equals("export-trigger") ? 1 : 0);
        }
        String app = bicep.get("app.bicep");
        String rules = block(app, "rules: [for r in receives: {", "}]");
        assertThat(rules)
                .contains("type: 'azure-servicebus'")
                .contains("identity: scalerIdentityId")
                .contains("namespace: serviceBusNamespaceName")
                .contains("topicName: r.topic")
                .contains("subscriptionName: r.subscription")
                .doesNotContain("auth:");
        assertThat(app)
                .contains("minReplicas: minReplicas")
                .contains("lifecycle: 'None'"); // the scaler identity is not the containers'
        assertThat(bicep.get("containerapps.bicep"))
                .contains("receives: s.receives")
                .contains("minReplicas: s.minReplicas")
                .contains("port: s.port")
                .contains("image: images[s.name]");
    }

    @Test
    void eachAppHasHealthProbesOnItsPort() {
        String app = bicep.get("app.bicep");
        for (String probe :
                List.of("Liveness:/q/health/live", "Readiness:/q/health/ready", "Startup:/q/health/started")) {
            String[] parts = probe.split(":");
            Matcher m = Pattern.compile(
                            "type: '" + parts[0] + "'\\s+httpGet: \\{\\s+path: '" + parts[1] + "'\\s+port: port")
                    .matcher(app);
            assertThat(m.find()).as("%s probe on %s", parts[0], parts[1]).isTrue();
        }
    }

    @Test
    void everyAppHasOneContainerSizeThatTheImagesJvmOptionsFitAndKeepsThem() {
        String app = bicep.get("app.bicep");
        Matcher size = Pattern.compile("var containerSize = \\{\\s+cpu: '([0-9.]+)'\\s+memory: '([0-9.]+)Gi'\\s+}")
                .matcher(app);
        assertThat(size.find()).as("app.bicep: var containerSize").isTrue();
        assertThat(app).contains("cpu: json(containerSize.cpu)").contains("memory: containerSize.memory");
        assertThat(bicep.get("containerapps.bicep"))
                .as("one size for every app, in app.bicep")
                .doesNotContainPattern("(?m)^\\s+(cpu|memory):");
        double cpu = Double.parseDouble(size.group(1));
        double memory = Double.parseDouble(size.group(2));
        // The consumption plan's sizes: memory twice the vCPUs, from 0.25 vCPU / 0.5Gi. The smallest is
        // above ContainerSizing.MAX_LIMIT only because the plan has nothing smaller.
        assertThat(memory).as("Gi per vCPU").isEqualTo(cpu * 2);
        assertThat(cpu).as("vCPU: the smallest size fits").isEqualTo(0.25);
        assertThat(Math.round(memory * (1L << 30))).isGreaterThanOrEqualTo(ContainerSizing.TARGET_RSS);
        // On Azure the loader loads into a T-SQL warehouse: no DuckDB in its container.
        assertThat(bicep.get("main.bicep")).as("main.bicep's loaderDialect").doesNotContain("'duckdb'");
        for (String service : configs.keySet()) {
            ContainerSizing.assertKeepsTheImagesSizing(
                    "Container Apps " + service, Deployments.bicepEnvironment(bicep, service));
        }
    }

    @Test
    void everySettingEachServiceNeedsOnAzureIsSetInItsContainerAppAndReadByTheService() {
        configs.forEach((service, config) -> {
            Set<String> set = environment(service);
            assertThat(set)
                    .as("variables the %s container app sets", service)
                    .containsAll(REQUIRED_ON_AZURE.get(service));
            for (String variable : set) {
                assertThat(config.reads(variable) || PLATFORM_VARIABLES.contains(variable))
                        .as("%s sets %s, which nothing in its configuration reads", service, variable)
                        .isTrue();
            }
        });
        assertThat(bicep.get("app.bicep"))
                .containsPattern("name: 'QUARKUS_PROFILE'\\s+value: '" + ServiceConfig.PROFILE + "'");
    }

    @Test
    void theTransferLeavesBlobCreatedToEventGridOnAzure() {
        String variable = configs.get("export-poller").variableOf("fhirpipe.transfer.publish-blob-created");
        assertThat(serviceEnvBlock("export-poller")).containsPattern("name: '" + variable + "'\\s+value: 'false'");
        // and so the poller gets no Sender role on blob-created; Event Grid's identity has it
        Set<String> pollerSends = new TreeSet<>();
        topology.path("senderAssignments").forEach(a -> {
            if (a.path("service").asText().equals("export-poller")) {
                pollerSends.add(a.path("topic").asText());
            }
        });
        assertThat(pollerSends).doesNotContain("blob-created");
        assertThat(bicep.get("servicebus.bicep"))
                .contains("name: topology.eventGrid.topic")
                .contains("principalId: eventGridIdentity.principalId");
    }

    @Test
    void eachIdentitySendsExactlyWhereItsServicePublishesOrSchedulesRetryCopies() {
        for (JsonNode service : topology.path("services")) {
            String name = service.path("name").asText();
            ServiceConfig config = configs.get(name);
            Set<String> expected = new TreeSet<>();
            config.channels("outgoing").forEach((channel, address) -> {
                boolean eventGridDoesIt = name.equals("export-poller") && address.equals("blob-created");
                if (!address.endsWith(Topology.DEAD_LETTER_SUFFIX) && !eventGridDoesIt) {
                    expected.add(address);
                }
            });
            config.receives().forEach(r -> expected.add(r.substring(0, r.indexOf('/'))));
            assertThat(new TreeSet<>(texts(service.path("sends"), null)))
                    .as("topics %s sends to", name)
                    .isEqualTo(expected);
        }
        String serviceBus = bicep.get("servicebus.bicep");
        assertThat(serviceBus)
                .contains("[for (a, i) in topology.senderAssignments: {")
                .contains("[for (a, i) in topology.receiverAssignments: {")
                .contains("'69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'") // Azure Service Bus Data Sender
                .contains("'4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'") // Azure Service Bus Data Receiver
                .contains("'090c5cfd-751d-490a-894a-3ce6f1109419'"); // Azure Service Bus Data Owner (KEDA only)
        assertThat(block(serviceBus, "resource receiverRoles", "}]"))
                .contains("scope: receiverScopes[i]")
                .contains("roleDefinitionId: dataReceiver");
        assertThat(block(serviceBus, "resource senderRoles", "}]"))
                .contains("scope: senderScopes[i]")
                .contains("roleDefinitionId: dataSender");
        assertThat(block(serviceBus, "resource scalerRoles", "}]")).contains("principalId: scalerIdentity.principalId");
        // The dead-letter API reads every dead-letter queue and replays to every consumed topic: its
        // service gets those roles, where its own do not already give them.
        assertThat(Files.exists(root.resolve(
                        "export-trigger/src/main/java/io/fhirpipe/exporttrigger/deadletters/DeadLettersResource.java")))
                .as("export-trigger serves /dead-letters")
                .isTrue();
        assertThat(bicep.get("main.bicep")).contains("deadLetterOperator: 'export-trigger'");
        assertThat(block(serviceBus, "resource operatorReadsForwardQueues", "}]"))
                .contains("for (q, i) in topology.deadLetterQueues")
                .contains("scope: deadLetterQueues[i]")
                .contains("roleDefinitionId: dataReceiver");
        assertThat(block(serviceBus, "resource operatorReadsSubscriptionDeadLetters", "}]"))
                .contains("for (s, i) in topology.subscriptions")
                .contains("!contains(operatorReceives,")
                .contains("scope: subscriptions[i]")
                .contains("roleDefinitionId: dataReceiver");
        assertThat(block(serviceBus, "resource operatorReplays", "}]"))
                .contains("for (t, i) in topology.topics")
                .contains("!contains(operatorSends, t.name)")
                .contains("scope: topics[i]")
                .contains("roleDefinitionId: dataSender");
        assertThat(bicep.get("storage.bicep"))
                .contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'") // Blob Data Contributor
                .contains("'2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'"); // Blob Data Reader
        assertThat(bicep.get("fhir-roles.bicep"))
                .contains("'3db33094-8700-4567-8da5-1501d4e7e843'"); // FHIR Data Exporter
        assertThat(bicep.get("keyvault.bicep"))
                .contains("'4633458b-17de-408a-b874-0445c86b69e6'"); // Key Vault Secrets User
    }

    /** The app registration the guide creates has every app role the services' admin rules allow. */
    @Test
    void theAdminAppRegistrationHasEveryRoleTheServicesAllow() {
        Set<String> registered = new TreeSet<>();
        Deployments.readJson(azure.resolve("admin-app-roles.json"))
                .forEach(r -> registered.add(r.path("value").asText()));
        Set<String> allowed = new TreeSet<>();
        configs.values()
                .forEach(config -> config.properties().forEach((key, value) -> {
                    if (key.matches("quarkus\\.http\\.auth\\.policy\\.[^.]+\\.roles-allowed")) {
                        for (String role :
                                ServiceConfig.resolve(value, Map.of()).split(",")) {
                            allowed.add(role.strip());
                        }
                    }
                }));
        assertThat(allowed).as("roles the admin rules allow").isNotEmpty();
        assertThat(registered).containsAll(allowed);
    }

    // --- the Bicep as text ---

    @Test
    void everyResourceUsesADocumentedApiVersionAndTheBracketsBalance() {
        assertThat(bicep.keySet())
                .contains(
                        "main.bicep",
                        "servicebus.bicep",
                        "storage.bicep",
                        "eventgrid.bicep",
                        "identities.bicep",
                        "containerapps.bicep",
                        "app.bicep",
                        "keyvault.bicep",
                        "monitoring.bicep");
        bicep.forEach((file, text) -> {
            Matcher m = RESOURCE.matcher(text);
            while (m.find()) {
                assertThat(API_VERSIONS)
                        .as("%s: resource type %s", file, m.group(1))
                        .containsKey(m.group(1));
                assertThat(m.group(2))
                        .as("%s: API version of %s", file, m.group(1))
                        .isEqualTo(API_VERSIONS.get(m.group(1)));
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

    private static Set<String> environment(String service) {
        return new TreeSet<>(Deployments.bicepEnvironment(bicep, service).keySet());
    }

    private static String serviceEnvBlock(String service) {
        return Deployments.bicepServiceEnv(bicep, service);
    }

    private static String block(String text, String start, String end) {
        return Deployments.block(text, start, end);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(field == null ? n.asText() : n.path(field).asText()));
        return texts;
    }
}
