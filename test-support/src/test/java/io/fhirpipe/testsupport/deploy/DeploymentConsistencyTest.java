package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one cross-artefact check: the Bicep (topology.json and the .bicep files), the Kustomize output
 * of every overlay, docker-compose.yml and the emulator's Config.json name exactly
 * {@link Topology#standard()}'s topics and subscriptions, and every deployment of a service sets every
 * variable that service requires: each ${VAR} without a default in its application.properties and
 * application-servicebus.properties (read from the sources, so a setting added to a service fails here
 * until every deployment wires it), at least one of its Service Bus connection settings (namespace or
 * connection string) and of its storage settings, and QUARKUS_PROFILE=servicebus. On Azure (Bicep,
 * AKS) the namespace and the storage account URL must be the ones set: the namespace has no keys.
 *
 * <p>Each artefact is reduced to an {@link Artefact} and compared by {@link #problems}, which lists
 * what is wrong instead of stopping at the first; the tests at the end feed it mutated copies to
 * show that a missing topic, subscription or variable in any artefact fails.
 */
class DeploymentConsistencyTest {

    private static final String PROFILE_VARIABLE = "QUARKUS_PROFILE";
    private static final String EMULATOR_CONFIG_MOUNT = "/ServiceBus_Emulator/ConfigFiles/Config.json";
    private static final Pattern BICEP_STRING = Pattern.compile("'([^']*)'");

    /**
     * A deployment artefact as far as this test is concerned.
     *
     * @param environments per service it runs, the variables it sets to something (a literal, an
     *     expression, a ConfigMap key or a secret reference); empty for the emulator's Config.json,
     *     which runs no service
     * @param azure whether it runs on Azure (identities, no keys) rather than on the emulator
     */
    record Artefact(
            String name,
            Set<String> topics,
            Set<String> subscriptions,
            Map<String, Map<String, String>> environments,
            boolean azure) {}

    // --- the check ---

    @Test
    void theBicepComposeAndTheEmulatorNameExactlyTheTopologysEntitiesAndWireEverySettingEachServiceRequires() {
        List<Artefact> artefacts = List.of(
                bicep(Deployments.bicepTopology(), Deployments.bicepFiles()),
                emulator("deploy/servicebus/Config.json", Deployments.emulatorConfig()),
                compose(Deployments.compose(), Deployments::readJson));
        Map<String, ServiceConfig> configs = ServiceConfig.all();
        List<String> problems = new ArrayList<>();
        artefacts.forEach(a -> problems.addAll(problems(a, configs)));
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyKustomizeOverlayNamesExactlyTheTopologysEntitiesAndWiresEverySettingEachServiceRequires(
            String rendering) {
        Assumptions.assumeTrue(
                Deployments.kubectlAvailable(),
                "kubectl is not on the PATH: the Kustomize overlays are not rendered or checked (CI has it)");
        assertThat(problems(kustomize(rendering, Deployments.renderings().get(rendering)), ServiceConfig.all()))
                .isEmpty();
    }

    static List<String> renderings() {
        return Deployments.renderingNames();
    }

    /** Bicep and the emulator filter alike: each subscription's one rule is the same SQL expression. */
    @Test
    void bicepAndTheEmulatorGiveEverySubscriptionTheSameRule() {
        Map<String, String> emulatorRules = new TreeMap<>();
        Deployments.emulatorNamespace(Deployments.emulatorConfig())
                .path("Topics")
                .forEach(t -> t.path("Subscriptions")
                        .forEach(s -> emulatorRules.put(
                                t.path("Name").asText() + "/" + s.path("Name").asText(),
                                s.path("Rules")
                                        .path(0)
                                        .path("Properties")
                                        .path("SqlFilter")
                                        .path("SqlExpression")
                                        .asText())));
        Map<String, String> bicepRules = new TreeMap<>();
        Deployments.bicepTopology()
                .path("subscriptions")
                .forEach(s -> bicepRules.put(
                        s.path("topic").asText() + "/" + s.path("name").asText(),
                        s.path("rule").path("sqlExpression").asText()));
        assertThat(bicepRules).isNotEmpty();
        assertThat(emulatorRules).containsAllEntriesOf(bicepRules);
    }

    static List<String> problems(Artefact artefact, Map<String, ServiceConfig> configs) {
        List<String> problems = new ArrayList<>();
        String where = artefact.name();
        Set<String> topics = new TreeSet<>();
        Set<String> subscriptions = new TreeSet<>();
        for (TopicDefinition topic : Topology.standard().topics()) {
            topics.add(topic.name());
            for (SubscriptionDefinition s : topic.subscriptions()) {
                subscriptions.add(topic.name() + "/" + s.name());
            }
        }
        compare(problems, where, "topic", topics, artefact.topics());
        compare(problems, where, "subscription", subscriptions, artefact.subscriptions());
        if (artefact.environments().isEmpty()) {
            return problems;
        }
        compare(
                problems,
                where,
                "service",
                configs.keySet(),
                artefact.environments().keySet());
        configs.forEach((service, config) -> {
            Map<String, String> environment = artefact.environments().get(service);
            if (environment == null) {
                return;
            }
            String at = where + " " + service;
            if (!ServiceConfig.PROFILE.equals(environment.get(PROFILE_VARIABLE))) {
                problems.add(at + ": " + PROFILE_VARIABLE + " is " + environment.get(PROFILE_VARIABLE) + ", not "
                        + ServiceConfig.PROFILE + " (the profile every other setting here is read from)");
            }
            for (String variable : config.required()) {
                if (!environment.containsKey(variable)) {
                    problems.add(at + ": " + variable + " is not set (read without a default)");
                }
            }
            for (Set<String> group : config.connections()) {
                if (group.stream().noneMatch(environment::containsKey)) {
                    problems.add(at + ": none of " + new TreeSet<>(group) + " is set");
                }
            }
            if (artefact.azure()) {
                for (String variable : List.of(
                        config.variableOf("fhirpipe.messaging.servicebus.namespace"),
                        ServiceConfig.STORAGE_ACCOUNT_URL)) {
                    if (!environment.containsKey(variable)) {
                        problems.add(at + ": " + variable + " is not set (Azure is reached with identities)");
                    }
                }
            }
        });
        return problems;
    }

    private static void compare(
            List<String> problems, String where, String what, Set<String> expected, Set<String> actual) {
        expected.stream()
                .filter(e -> !actual.contains(e))
                .forEach(e -> problems.add(where + ": " + what + " " + e + " is missing"));
        actual.stream()
                .filter(a -> !expected.contains(a))
                .forEach(a -> problems.add(where + ": " + what + " " + a + " is not in Topology.standard()"
                        + (what.equals("service") ? "'s services" : "")));
    }

    // --- each artefact, reduced ---

    /**
     * topology.json holds the entities the Bicep loops over (BicepDeploymentTest checks that no .bicep
     * file names one itself); the apps are topology.json's services with app.bicep's and
     * containerapps.bicep's variables.
     */
    static Artefact bicep(JsonNode topology, Map<String, String> bicep) {
        Set<String> topics = new TreeSet<>();
        topology.path("topics").forEach(t -> topics.add(t.path("name").asText()));
        Set<String> subscriptions = new TreeSet<>();
        topology.path("subscriptions")
                .forEach(s -> subscriptions.add(
                        s.path("topic").asText() + "/" + s.path("name").asText()));
        topology.path("services")
                .forEach(s -> s.path("receives")
                        .forEach(r -> subscriptions.add(r.path("topic").asText() + "/"
                                + r.path("subscription").asText())));
        Map<String, Map<String, String>> environments = new TreeMap<>();
        for (JsonNode service : topology.path("services")) {
            String name = service.path("name").asText();
            Map<String, String> environment = new TreeMap<>();
            for (Map.Entry<String, String> e :
                    Deployments.bicepEnvironment(bicep, name).entrySet()) {
                Matcher literal = BICEP_STRING.matcher(e.getValue());
                environment.put(e.getKey(), literal.matches() ? literal.group(1) : e.getValue());
            }
            environments.put(name, environment);
        }
        return new Artefact("deploy/azure (Bicep)", topics, subscriptions, environments, true);
    }

    /** The emulator's entities; the observer subscription is the emulator's own, on topics nobody consumes. */
    static Artefact emulator(String name, JsonNode config) {
        Set<String> topics = new TreeSet<>();
        Set<String> subscriptions = new TreeSet<>();
        Deployments.emulatorNamespace(config).path("Topics").forEach(t -> {
            topics.add(t.path("Name").asText());
            t.path("Subscriptions").forEach(s -> {
                if (!s.path("Name").asText().equals(ServiceBusEmulatorConfig.OBSERVER_SUBSCRIPTION)) {
                    subscriptions.add(
                            t.path("Name").asText() + "/" + s.path("Name").asText());
                }
            });
        });
        return new Artefact(name, topics, subscriptions, Map.of(), false);
    }

    /** The entities of the Config.json compose mounts into the emulator, and each built service's environment. */
    static Artefact compose(JsonNode compose, Function<Path, JsonNode> readConfig) {
        Artefact entities = new Artefact("docker-compose.yml", Set.of(), Set.of(), Map.of(), false);
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String[] parts = volume.asText().split(":");
                if (parts.length >= 2 && parts[1].equals(EMULATOR_CONFIG_MOUNT)) {
                    entities = emulator(
                            "docker-compose.yml (" + parts[0] + ")",
                            readConfig.apply(
                                    Deployments.root().resolve(parts[0]).normalize()));
                }
            }
        }
        Map<String, Map<String, String>> environments = new TreeMap<>();
        for (String service : Deployments.composeBuilt(compose)) {
            Map<String, String> set = new TreeMap<>();
            Deployments.composeEnvironment(compose, service).forEach((k, v) -> {
                if (!v.isBlank()) {
                    set.put(k, v);
                }
            });
            environments.put(service, set);
        }
        return new Artefact("docker-compose.yml", entities.topics(), entities.subscriptions(), environments, false);
    }

    /** The entities the ScaledObjects scale on, and each Deployment's container environment. */
    static Artefact kustomize(String rendering, List<JsonNode> docs) {
        Set<String> topics = new TreeSet<>();
        Set<String> subscriptions = new TreeSet<>();
        for (JsonNode scaledObject : Deployments.ofKind(docs, "ScaledObject")) {
            for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
                JsonNode metadata = trigger.path("metadata");
                topics.add(metadata.path("topicName").asText());
                subscriptions.add(metadata.path("topicName").asText() + "/"
                        + metadata.path("subscriptionName").asText());
            }
        }
        Map<String, Map<String, String>> environments = new TreeMap<>();
        for (JsonNode deployment : Deployments.ofKind(docs, "Deployment")) {
            Map<String, String> set = new TreeMap<>();
            Deployments.podEnvironment(docs, Deployments.name(deployment)).forEach((k, v) -> {
                if (!v.isBlank()) {
                    set.put(k, v);
                }
            });
            environments.put(Deployments.name(deployment), set);
        }
        // Only topics with a consumer are named on AKS (Service Bus itself comes from the Bicep or the
        // guide); the topics without a subscription are the ones no ScaledObject can name.
        Set<String> consumed = new TreeSet<>(topics);
        for (TopicDefinition topic : Topology.standard().topics()) {
            if (topic.subscriptions().isEmpty()) {
                consumed.add(topic.name());
            }
        }
        return new Artefact(
                "deploy/aks " + rendering + " (kubectl kustomize)", consumed, subscriptions, environments, true);
    }

    // --- proof that the check fails: mutated copies ---

    @Test
    void aTopicMissingFromTheBicepFails() {
        JsonNode topology = Deployments.bicepTopology().deepCopy();
        String removed = remove(
                (ArrayNode) topology.path("topics"),
                t -> t.path("name").asText().equals("chunk-failed"));
        assertThat(problems(bicep(topology, Deployments.bicepFiles()), ServiceConfig.all()))
                .contains("deploy/azure (Bicep): topic " + removed + " is missing");
    }

    @Test
    void aSubscriptionMissingFromTheEmulatorOrAnExtraTopicFails() {
        JsonNode config = Deployments.emulatorConfig().deepCopy();
        ObjectNode namespace = (ObjectNode) Deployments.emulatorNamespace(config);
        for (JsonNode topic : namespace.path("Topics")) {
            if (topic.path("Name").asText().equals("chunk-ready")) {
                remove(
                        (ArrayNode) topic.path("Subscriptions"),
                        s -> s.path("Name").asText().equals("synapse-loader"));
            }
        }
        ((ArrayNode) namespace.path("Topics")).addObject().put("Name", "chunk-archived");
        assertThat(problems(emulator("mutated Config.json", config), ServiceConfig.all()))
                .containsExactlyInAnyOrder(
                        "mutated Config.json: subscription chunk-ready/synapse-loader is missing",
                        "mutated Config.json: topic chunk-archived is not in Topology.standard()");
    }

    @Test
    void composeMountingAStaleConfigOrLosingAConnectionSettingFails() {
        JsonNode compose = Deployments.compose().deepCopy();
        ((ObjectNode) compose.path("services").path("ndjson-splitter").path("environment"))
                .remove("FHIRPIPE_SERVICEBUS_CONNECTION_STRING");
        JsonNode stale = Deployments.emulatorConfig().deepCopy();
        remove(
                (ArrayNode) Deployments.emulatorNamespace(stale).path("Topics"),
                t -> t.path("Name").asText().equals("export-loaded"));
        List<String> problems = problems(compose(compose, path -> stale), ServiceConfig.all());
        assertThat(problems).contains("docker-compose.yml: topic export-loaded is missing");
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("docker-compose.yml ndjson-splitter: none of [")
                        .contains("FHIRPIPE_SERVICEBUS_CONNECTION_STRING")
                        .contains("FHIRPIPE_SERVICEBUS_NAMESPACE"));
    }

    @Test
    void aBicepAppLosingItsNamespaceFails() {
        Map<String, String> bicep = new TreeMap<>(Deployments.bicepFiles());
        String app = bicep.get("app.bicep");
        String entry = "    name: 'FHIRPIPE_SERVICEBUS_NAMESPACE'\n";
        assertThat(app).contains(entry);
        bicep.put("app.bicep", app.replace(entry, "    name: 'FHIRPIPE_SERVICEBUS_NAMESPACE_TYPO'\n"));
        List<String> problems = problems(bicep(Deployments.bicepTopology(), bicep), ServiceConfig.all());
        for (String service : ServiceConfig.SERVICES) {
            assertThat(problems)
                    .contains("deploy/azure (Bicep) " + service
                            + ": FHIRPIPE_SERVICEBUS_NAMESPACE is not set (Azure is reached with identities)");
        }
    }

    @Test
    void aRenderedOverlayLosingAScalerOrAVariableFails() {
        Assumptions.assumeTrue(Deployments.kubectlAvailable(), "kubectl is not on the PATH");
        List<JsonNode> docs = new ArrayList<>();
        Deployments.renderings().get("prod").forEach(d -> docs.add(d.deepCopy()));
        JsonNode loader = Deployments.one(docs, "ScaledObject", "synapse-loader");
        ((ArrayNode) loader.path("spec").path("triggers")).removeAll();
        JsonNode poller = Deployments.container(Deployments.one(docs, "Deployment", "export-poller"));
        remove((ArrayNode) poller.path("env"), e -> e.path("name").asText().equals("FHIRPIPE_STORAGE_ACCOUNT_URL"));
        List<String> problems = problems(kustomize("prod (mutated)", docs), ServiceConfig.all());
        String where = "deploy/aks prod (mutated) (kubectl kustomize)";
        assertThat(problems)
                .contains(
                        where + ": subscription chunk-ready/synapse-loader is missing",
                        where + ": topic chunk-ready is missing",
                        where
                                + " export-poller: FHIRPIPE_STORAGE_ACCOUNT_URL is not set (Azure is reached with identities)");
    }

    /** A setting a helper adds to a service without a default fails every deployment until each one sets it. */
    @Test
    void aNewRequiredSettingFailsEveryDeploymentThatDoesNotSetIt() {
        Map<String, ServiceConfig> configs = new LinkedHashMap<>(ServiceConfig.all());
        configs.put(
                "ndjson-splitter",
                configs.get("ndjson-splitter")
                        .with("fhirpipe.splitter.quarantine-container", "${FHIRPIPE_SPLITTER_QUARANTINE}"));
        List<Artefact> artefacts = new ArrayList<>(List.of(
                bicep(Deployments.bicepTopology(), Deployments.bicepFiles()),
                compose(Deployments.compose(), Deployments::readJson)));
        if (Deployments.kubectlAvailable()) {
            Deployments.renderings().forEach((name, docs) -> artefacts.add(kustomize(name, docs)));
        }
        for (Artefact artefact : artefacts) {
            assertThat(problems(artefact, configs))
                    .containsExactly(artefact.name()
                            + " ndjson-splitter: FHIRPIPE_SPLITTER_QUARANTINE is not set (read without a default)");
        }
    }

    private static String remove(ArrayNode array, Predicate<JsonNode> which) {
        for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
            JsonNode node = it.next();
            if (which.test(node)) {
                it.remove();
                return node.has("name")
                        ? node.path("name").asText()
                        : node.path("Name").asText();
            }
        }
        throw new AssertionError("nothing to remove in " + array);
    }
}
