package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/aks cannot be applied here (no cluster), so every overlay is rendered with
 * {@code kubectl kustomize} and the output is checked against what the services actually read (each
 * service's application.properties overlaid with application-servicebus.properties, the profile the
 * Deployments select) and against {@link Topology#standard()}: every service has a Deployment with
 * probes, requests and limits, a workload-identity ServiceAccount, a KEDA ScaledObject on exactly its
 * own subscriptions, and a PodDisruptionBudget; every setting a service needs on Azure is wired from
 * the ConfigMap, nothing it does not read is set, and no secret is in a manifest.
 *
 * <p>Besides each directory of deploy/aks/overlays, the prod overlay with the
 * components/fhir-smart-key-vault component is rendered (as an overlay that uses it would be).
 */
class AksManifestsTest {

    private static final List<String> SERVICES = ServiceConfig.SERVICES;
    /** The one service that serves REST and therefore never scales to zero. */
    private static final String REST_SERVICE = "export-trigger";

    private static final String SMART_RENDERING = Deployments.SMART_RENDERING;

    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";
    private static final Pattern DOCKER_USER = Pattern.compile("(?m)^USER\\s+(\\d+)\\s*$");
    /** Names of settings whose value would be a secret: never a literal in a manifest, never in a ConfigMap. */
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(PASSWORD|SECRET|TOKEN|CONNECTION_STRING|ACCOUNT_KEY|SAS|_KEY|PRIVATE_KEY_PEM)$");
    /** Settings a manifest may set as a literal: not configuration of the environment, not secrets. */
    private static final Set<String> LITERAL_VARIABLES =
            Set.of("QUARKUS_PROFILE", "FHIRPIPE_SERVERS_LOCAL_AUTH_PRIVATE_KEY_PATH");
    /**
     * Variables whose localhost default is used only when another variable turns its feature on: the
     * OTLP endpoint (pipeline-runtime's TracingSwitch traces only with an endpoint set or
     * FHIRPIPE_TRACING=true).
     */
    private static final Map<String, String> LOCALHOST_DEFAULT_SWITCHES =
            Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "FHIRPIPE_TRACING");

    private static final Set<String> API_VERSIONS = Set.of(
            "v1/Namespace",
            "v1/ServiceAccount",
            "v1/ConfigMap",
            "v1/Service",
            "apps/v1/Deployment",
            "policy/v1/PodDisruptionBudget",
            "keda.sh/v1alpha1/ScaledObject",
            "keda.sh/v1alpha1/TriggerAuthentication",
            "secrets-store.csi.x-k8s.io/v1/SecretProviderClass");

    private static Path root;
    private static Map<String, ServiceConfig> configs;

    @BeforeAll
    static void render() {
        root = Deployments.root();
        configs = ServiceConfig.all();
        Assumptions.assumeTrue(
                Deployments.kubectlAvailable(),
                "kubectl is not on the PATH: deploy/aks is not rendered or checked (CI machines have it)");
        Deployments.renderings();
    }

    static List<String> overlays() {
        return Deployments.overlays();
    }

    static List<String> renderings() {
        return Deployments.renderingNames();
    }

    @Test
    void thereAreADevAndAProdOverlay() {
        assertThat(overlays()).contains("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void onlyKnownApiVersionsNoSecretsAndOneNamespace(String rendering) {
        List<JsonNode> docs = docs(rendering);
        List<JsonNode> namespaces = ofKind(docs, "Namespace");
        assertThat(namespaces).as("%s: one Namespace", rendering).hasSize(1);
        String namespace = namespaces.get(0).path("metadata").path("name").asText();
        for (JsonNode doc : docs) {
            String id = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            assertThat(API_VERSIONS).as("%s: %s %s", rendering, id, name(doc)).contains(id);
            if (!doc.path("kind").asText().equals("Namespace")) {
                assertThat(doc.path("metadata").path("namespace").asText())
                        .as("%s: namespace of %s %s", rendering, id, name(doc))
                        .isEqualTo(namespace);
            }
            if (!doc.path("kind").asText().equals("Namespace")) {
                assertThat(doc.path("metadata")
                                .path("labels")
                                .path("app.kubernetes.io/part-of")
                                .asText())
                        .as("%s: label app.kubernetes.io/part-of of %s %s", rendering, id, name(doc))
                        .isEqualTo("fhirpipe");
            }
        }
        for (JsonNode configMap : ofKind(docs, "ConfigMap")) {
            configMap
                    .path("data")
                    .fieldNames()
                    .forEachRemaining(key -> assertThat(key)
                            .as("%s: ConfigMap %s holds what looks like a secret", rendering, name(configMap))
                            .doesNotMatch(SECRET_NAME));
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceHasADeploymentWithProbesRequestsAndLimits(String rendering) throws IOException {
        for (String service : SERVICES) {
            String where = rendering + " " + service;
            JsonNode deployment = one(docs(rendering), "Deployment", service);
            JsonNode template = deployment.path("spec").path("template");
            JsonNode podLabels = template.path("metadata").path("labels");
            deployment
                    .path("spec")
                    .path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(l -> assertThat(podLabels.path(l.getKey()).asText())
                            .as("%s: selector label %s", where, l.getKey())
                            .isEqualTo(l.getValue().asText()));
            assertThat(podLabels.path("app.kubernetes.io/name").asText())
                    .as(where)
                    .isEqualTo(service);
            assertThat(deployment.path("spec").has("replicas"))
                    .as("%s: replicas are KEDA's", where)
                    .isFalse();

            JsonNode container = container(deployment);
            String image = container.path("image").asText();
            assertThat(image).as("%s: image", where).matches("(.+/)?fhirpipe/" + service + ":[A-Za-z0-9._-]+");
            assertThat(image).as("%s: image tag", where).doesNotEndWith(":latest");

            String port = configs.get(service).get("quarkus.http.port");
            List<String> ports = new ArrayList<>();
            container
                    .path("ports")
                    .forEach(p -> ports.add(p.path("containerPort").asText()));
            assertThat(ports)
                    .as("%s: containerPort is quarkus.http.port", where)
                    .containsExactly(port);
            assertProbe(where, container, "livenessProbe", "/q/health/live", port);
            assertProbe(where, container, "readinessProbe", "/q/health/ready", port);

            JsonNode resources = container.path("resources");
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(resources.path(kind).path(resource).asText())
                            .as("%s: resources.%s.%s", where, kind, resource)
                            .isNotEmpty();
                }
            }
            long memoryLimit = bytes(resources.path("limits").path("memory").asText());
            assertThat(bytes(resources.path("requests").path("memory").asText()))
                    .as("%s: memory request = limit (a JVM's heap does not shrink)", where)
                    .isEqualTo(memoryLimit);
            // The image's JVM options, the local stack's, fit the limit; the loader on AKS uses a T-SQL
            // warehouse (settings.env), so no DuckDB runs in its container.
            ContainerSizing.assertLimitFits(where, memoryLimit, false);
            Map<String, String> literals = new TreeMap<>();
            container
                    .path("env")
                    .forEach(e -> literals.put(
                            e.path("name").asText(), e.path("value").asText()));
            ContainerSizing.assertKeepsTheImagesSizing(where, literals);

            // Non-root, as the image: the same numeric user as the Dockerfile's USER.
            JsonNode podSecurity = template.path("spec").path("securityContext");
            assertThat(podSecurity.path("runAsNonRoot").asBoolean())
                    .as("%s: runAsNonRoot", where)
                    .isTrue();
            Matcher user = DOCKER_USER.matcher(
                    Files.readString(root.resolve(service).resolve("src/main/docker/Dockerfile.jvm")));
            assertThat(user.find()).as("%s: USER in the Dockerfile", where).isTrue();
            assertThat(podSecurity.path("runAsUser").asText())
                    .as("%s: runAsUser", where)
                    .isEqualTo(user.group(1));
            assertThat(container
                            .path("securityContext")
                            .path("allowPrivilegeEscalation")
                            .asBoolean(true))
                    .as("%s: allowPrivilegeEscalation", where)
                    .isFalse();
            if (container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
                List<String> mounts = new ArrayList<>();
                container
                        .path("volumeMounts")
                        .forEach(m -> mounts.add(m.path("mountPath").asText()));
                assertThat(mounts)
                        .as("%s: a writable /tmp on a read-only root", where)
                        .contains("/tmp");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceRunsWithItsOwnWorkloadIdentity(String rendering) {
        Set<String> accounts = new HashSet<>();
        for (String service : SERVICES) {
            String where = rendering + " " + service;
            JsonNode pod =
                    one(docs(rendering), "Deployment", service).path("spec").path("template");
            assertThat(pod.path("metadata")
                            .path("labels")
                            .path("azure.workload.identity/use")
                            .asText())
                    .as("%s: pod label azure.workload.identity/use", where)
                    .isEqualTo("true");
            String accountName = pod.path("spec").path("serviceAccountName").asText();
            assertThat(accountName).as("%s: serviceAccountName", where).isNotEmpty();
            assertThat(accounts.add(accountName))
                    .as("%s: service account %s shared", where, accountName)
                    .isTrue();
            String clientId = clientId(rendering, accountName);
            assertThat(clientId)
                    .as("%s: azure.workload.identity/client-id", where)
                    .matches(GUID);
            assertThat(clientId)
                    .as("%s: the overlay sets the identity's client id", where)
                    .isNotEqualTo(ZERO_GUID);
        }
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceScalesOnExactlyItsOwnSubscriptions(String rendering) {
        List<JsonNode> docs = docs(rendering);
        String fqdn = settingValue(rendering, "export-trigger", "FHIRPIPE_SERVICEBUS_NAMESPACE");
        Set<String> all = new TreeSet<>();
        for (String service : SERVICES) {
            String where = rendering + " " + service;
            JsonNode scaledObject = one(docs, "ScaledObject", service);
            JsonNode spec = scaledObject.path("spec");
            assertThat(spec.path("scaleTargetRef").path("name").asText())
                    .as(where)
                    .isEqualTo(service);
            assertThat(spec.path("scaleTargetRef").path("kind").asText("Deployment"))
                    .as(where)
                    .isEqualTo("Deployment");
            int min = spec.path("minReplicaCount").asInt(0);
            int max = spec.path("maxReplicaCount").asInt(100);
            assertThat(max).as("%s: maxReplicaCount", where).isGreaterThanOrEqualTo(Math.max(min, 1));
            if (service.equals(REST_SERVICE)) {
                assertThat(min).as("%s serves REST: minReplicaCount", where).isGreaterThanOrEqualTo(1);
            }
            Set<String> triggers = new TreeSet<>();
            for (JsonNode trigger : spec.path("triggers")) {
                assertThat(trigger.path("type").asText()).as(where).isEqualTo("azure-servicebus");
                JsonNode metadata = trigger.path("metadata");
                assertThat(metadata.has("connectionFromEnv") || metadata.has("connection"))
                        .as("%s: a scaler with a connection string", where)
                        .isFalse();
                assertThat(metadata.path("namespace").asText())
                        .as("%s: the scaler's namespace", where)
                        .isEqualTo(fqdn.substring(0, fqdn.indexOf('.')));
                String pair = metadata.path("topicName").asText() + "/"
                        + metadata.path("subscriptionName").asText();
                assertThat(triggers.add(pair)).as("%s: %s twice", where, pair).isTrue();
                assertThat(all.add(pair))
                        .as("%s: %s scales a second service", where, pair)
                        .isTrue();
                JsonNode auth = one(
                        docs,
                        "TriggerAuthentication",
                        trigger.path("authenticationRef").path("name").asText());
                assertThat(auth.path("spec")
                                .path("podIdentity")
                                .path("provider")
                                .asText())
                        .as("%s: TriggerAuthentication %s", where, name(auth))
                        .isEqualTo("azure-workload");
                assertThat(auth.path("spec").has("secretTargetRef")).as(where).isFalse();
            }
            assertThat(triggers)
                    .as(
                            "%s: ScaledObject triggers = the service's incoming subscriptions"
                                    + " (application-servicebus.properties)",
                            where)
                    .isEqualTo(subscriptionsOf(service));
        }
        // Together they name exactly the topology's subscriptions: DeploymentConsistencyTest.
        assertThat(ofKind(docs, "ScaledObject")).as(rendering).hasSize(SERVICES.size());
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void everyServiceHasAPodDisruptionBudgetThatLetsANodeDrain(String rendering) {
        List<JsonNode> docs = docs(rendering);
        for (String service : SERVICES) {
            String where = rendering + " " + service;
            JsonNode pdb = one(docs, "PodDisruptionBudget", service).path("spec");
            JsonNode podLabels = one(docs, "Deployment", service)
                    .path("spec")
                    .path("template")
                    .path("metadata")
                    .path("labels");
            assertThat(pdb.path("selector").path("matchLabels").size())
                    .as(where)
                    .isPositive();
            pdb.path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(l -> assertThat(podLabels.path(l.getKey()).asText())
                            .as("%s: PDB selector %s", where, l.getKey())
                            .isEqualTo(l.getValue().asText()));
            assertThat(pdb.has("minAvailable") != pdb.has("maxUnavailable"))
                    .as("%s: minAvailable or maxUnavailable", where)
                    .isTrue();
            if (pdb.has("minAvailable")) {
                int min = one(docs, "ScaledObject", service)
                        .path("spec")
                        .path("minReplicaCount")
                        .asInt(0);
                assertThat(pdb.path("minAvailable").asInt())
                        .as("%s: minAvailable below minReplicaCount," + " or a drain waits forever", where)
                        .isLessThan(min);
            }
        }
    }

    /**
     * Exactly one of each either-or pair is set, every default that points at localhost is
     * overridden, and each variable set is one the service reads; values come from the ConfigMap
     * (keys that exist) or are harmless literals. (Every variable read without a default is set:
     * DeploymentConsistencyTest, for every artefact.)
     */
    @ParameterizedTest
    @MethodSource("renderings")
    void everySettingEachServiceNeedsIsWiredFromTheConfigMap(String rendering) throws IOException {
        List<JsonNode> docs = docs(rendering);
        for (String service : SERVICES) {
            String where = rendering + " " + service;
            ServiceConfig config = configs.get(service);
            JsonNode container = container(one(docs, "Deployment", service));
            Map<String, String> environment = new TreeMap<>();
            for (JsonNode variable : container.path("env")) {
                String name = variable.path("name").asText();
                assertThat(environment.containsKey(name))
                        .as("%s: %s set twice", where, name)
                        .isFalse();
                if (variable.has("value")) {
                    assertThat(LITERAL_VARIABLES)
                            .as("%s: %s is a literal, not from the ConfigMap", where, name)
                            .contains(name);
                    environment.put(name, variable.path("value").asText());
                } else {
                    JsonNode ref = variable.path("valueFrom").path("configMapKeyRef");
                    assertThat(ref.isMissingNode())
                            .as("%s: %s comes from a ConfigMap (%s)", where, name, variable.path("valueFrom"))
                            .isFalse();
                    assertThat(ref.path("optional").asBoolean(false))
                            .as("%s: %s optional", where, name)
                            .isFalse();
                    JsonNode data =
                            one(docs, "ConfigMap", ref.path("name").asText()).path("data");
                    assertThat(data.has(ref.path("key").asText()))
                            .as(
                                    "%s: %s from key %s of %s",
                                    where,
                                    name,
                                    ref.path("key").asText(),
                                    ref.path("name").asText())
                            .isTrue();
                    environment.put(name, data.path(ref.path("key").asText()).asText());
                }
                assertThat(name.matches(SECRET_NAME.pattern()) && !variable.has("valueFrom"))
                        .as("%s: %s looks like a secret and is written in the manifest", where, name)
                        .isFalse();
            }
            assertThat(container.has("envFrom"))
                    .as("%s: envFrom would set variables nobody reads", where)
                    .isFalse();
            assertThat(environment).as(where).containsEntry("QUARKUS_PROFILE", ServiceConfig.PROFILE);

            assertThat(config.connectors().values())
                    .as("%s: a channel left on the AMQP connector", where)
                    .doesNotContain("smallrye-amqp");
            // Variables without a default: DeploymentConsistencyTest. A default that points at this
            // machine would be wrong in the cluster.
            config.placeholders()
                    .forEach((key, placeholders) -> placeholders.forEach(p -> {
                        String switchedBy = LOCALHOST_DEFAULT_SWITCHES.get(p.variable());
                        boolean used = switchedBy == null || "true".equals(environment.get(switchedBy));
                        if (p.fallback() != null
                                && p.fallback().matches(".*(localhost|127\\.0\\.0\\.1).*")
                                && !key.startsWith("amqp-")
                                && used) {
                            assertThat(environment)
                                    .as(
                                            "%s: %s defaults to %s (%s), which is not in the cluster",
                                            where, p.variable(), p.fallback(), key)
                                    .containsKey(p.variable());
                        }
                    }));
            // The services refuse both and neither of each connection pair.
            for (Set<String> group : config.connections()) {
                assertThat(group.stream()
                                .filter(v -> !environment.getOrDefault(v, "").isBlank())
                                .count())
                        .as("%s: exactly one of %s", where, group)
                        .isEqualTo(1);
            }
            for (String variable : environment.keySet()) {
                assertThat(config.reads(variable))
                        .as("%s sets %s, which nothing in its configuration reads", where, variable)
                        .isTrue();
            }
            // What must hold on Azure, whatever the overlay says.
            assertThat(environment.get("FHIRPIPE_SERVICEBUS_NAMESPACE"))
                    .as(where)
                    .matches("[a-z0-9][a-z0-9-]{4,48}[a-z0-9]\\.servicebus\\.windows\\.net");
            assertThat(environment.get("FHIRPIPE_STORAGE_ACCOUNT_URL"))
                    .as(where)
                    .matches("https://[a-z0-9]{3,24}\\.blob\\.core\\.windows\\.net/?");
            if (config.get("fhirpipe.transfer.publish-blob-created") != null) {
                assertThat(ServiceConfig.resolve(config.get("fhirpipe.transfer.publish-blob-created"), environment))
                        .as("%s: Event Grid publishes BlobCreated on Azure", where)
                        .isEqualTo("false");
            }
            if (config.get("fhirpipe.loader.dialect") != null) {
                assertThat(ServiceConfig.resolve(config.get("fhirpipe.loader.dialect"), environment))
                        .as("%s: dialect", where)
                        .isIn("synapse-dedicated", "synapse-serverless", "fabric-warehouse");
                assertThat(environment.get("FHIRPIPE_LOADER_SQL_JDBC_URL"))
                        .as(where)
                        .startsWith("jdbc:sqlserver://")
                        .doesNotContainIgnoringCase("password");
                assertThat(environment.get("FHIRPIPE_LOADER_SQL_AUTH"))
                        .as(where)
                        .isEqualTo("entra");
                assertThat(environment.get("FHIRPIPE_LOADER_SQL_STORAGE_ACCOUNT_URL"))
                        .as(where)
                        .isEqualTo(environment.get("FHIRPIPE_STORAGE_ACCOUNT_URL"));
            }
            if (config.get("fhirpipe.servers.local.base-url") != null) {
                assertThat(environment.get("FHIRPIPE_FHIR_BASE_URL")).as(where).startsWith("https://");
                assertThat(environment.get("FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE"))
                        .as(where)
                        .isIn("entra", "smart");
            }
        }
    }

    /** The Key Vault component: each mounted key comes from a SecretProviderClass read with the pod's own identity. */
    @Test
    void keyVaultSecretsAreMountedWithThePodsOwnIdentity() {
        List<JsonNode> docs = docs(SMART_RENDERING);
        int mounted = 0;
        for (String service : SERVICES) {
            JsonNode deployment = one(docs, "Deployment", service);
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (JsonNode volume : pod.path("volumes")) {
                if (!volume.has("csi")) {
                    continue;
                }
                mounted++;
                assertThat(volume.path("csi").path("driver").asText()).isEqualTo("secrets-store.csi.k8s.io");
                assertThat(volume.path("csi").path("readOnly").asBoolean()).isTrue();
                JsonNode spc = one(
                        docs,
                        "SecretProviderClass",
                        volume.path("csi")
                                .path("volumeAttributes")
                                .path("secretProviderClass")
                                .asText());
                JsonNode parameters = spc.path("spec").path("parameters");
                assertThat(spc.path("spec").path("provider").asText()).isEqualTo("azure");
                assertThat(spc.path("spec").has("secretObjects"))
                        .as("no Kubernetes Secret synced")
                        .isFalse();
                assertThat(parameters.path("clientID").asText())
                        .as("%s: SecretProviderClass identity", service)
                        .isEqualTo(clientId(
                                SMART_RENDERING, pod.path("serviceAccountName").asText()));
                assertThat(parameters.path("keyvaultName").asText()).matches("[A-Za-z0-9-]{3,24}");
                assertThat(parameters.path("tenantId").asText()).matches(GUID);
                String mountPath = null;
                for (JsonNode mount : container(deployment).path("volumeMounts")) {
                    if (mount.path("name").asText().equals(volume.path("name").asText())) {
                        mountPath = mount.path("mountPath").asText();
                        assertThat(mount.path("readOnly").asBoolean()).isTrue();
                    }
                }
                assertThat(mountPath)
                        .as("%s mounts %s", service, volume.path("name").asText())
                        .isNotNull();
                String keyDirectory = mountPath;
                assertThat(literal(container(deployment), "FHIRPIPE_SERVERS_LOCAL_AUTH_PRIVATE_KEY_PATH"))
                        .as("%s: the private key is read from the mounted file", service)
                        .hasValueSatisfying(path -> assertThat(path).startsWith(keyDirectory + "/"));
                assertThat(settingValue(SMART_RENDERING, service, "FHIRPIPE_SERVERS_LOCAL_AUTH_TYPE"))
                        .isEqualTo("smart");
            }
        }
        assertThat(mounted).as("the trigger and the poller mount the key").isEqualTo(2);
    }

    @Test
    void devIsSmallAndVerbose() {
        for (String service : SERVICES) {
            assertThat(one(docs("dev"), "ScaledObject", service)
                            .path("spec")
                            .path("maxReplicaCount")
                            .asInt())
                    .as("dev %s: maxReplicaCount", service)
                    .isEqualTo(1);
            assertThat(settingValue("dev", service, "QUARKUS_LOG_CATEGORY__IO_FHIRPIPE__LEVEL"))
                    .isEqualTo("DEBUG");
        }
    }

    @Test
    void prodKeepsTheRestApiUpThroughADrainAndGivesMoreCpuThanTheBase() throws IOException {
        assertThat(one(docs("prod"), "ScaledObject", REST_SERVICE)
                        .path("spec")
                        .path("minReplicaCount")
                        .asInt())
                .isGreaterThanOrEqualTo(2);
        assertThat(one(docs("prod"), "PodDisruptionBudget", REST_SERVICE)
                        .path("spec")
                        .path("minAvailable")
                        .asInt())
                .isGreaterThanOrEqualTo(1);
        List<JsonNode> base = kustomize(root.resolve("deploy/aks/base"));
        for (String service : SERVICES) {
            JsonNode prod = container(one(docs("prod"), "Deployment", service))
                    .path("resources")
                    .path("limits");
            JsonNode dflt = container(one(base, "Deployment", service))
                    .path("resources")
                    .path("limits");
            assertThat(millicores(prod.path("cpu").asText()))
                    .as("prod %s: cpu limit", service)
                    .isGreaterThan(millicores(dflt.path("cpu").asText()));
            // The heap is fixed by the image: more memory would go unused.
            assertThat(bytes(prod.path("memory").asText()))
                    .as("prod %s: memory limit", service)
                    .isEqualTo(bytes(dflt.path("memory").asText()));
            assertThat(one(docs("prod"), "ScaledObject", service)
                            .path("spec")
                            .path("maxReplicaCount")
                            .asInt())
                    .as("prod %s: maxReplicaCount", service)
                    .isGreaterThan(1);
        }
    }

    @Test
    void onlyTheTriggerIsAServiceAndItsPortIsQuarkusHttpPort() {
        for (String rendering : Deployments.renderings().keySet()) {
            List<JsonNode> services = ofKind(docs(rendering), "Service");
            assertThat(services).as(rendering).hasSize(1);
            JsonNode service = services.get(0);
            assertThat(name(service)).isEqualTo(REST_SERVICE);
            assertThat(service.path("spec")
                            .path("selector")
                            .path("app.kubernetes.io/name")
                            .asText())
                    .isEqualTo(REST_SERVICE);
            JsonNode port = service.path("spec").path("ports").get(0);
            assertThat(port.path("port").asText())
                    .isEqualTo(configs.get(REST_SERVICE).get("quarkus.http.port"));
            assertThat(port.path("targetPort").asText())
                    .isIn("http", configs.get(REST_SERVICE).get("quarkus.http.port"));
        }
    }

    // --- rendering (Deployments) ---

    private static List<JsonNode> kustomize(Path dir) {
        return Deployments.kustomize(dir);
    }

    private static List<JsonNode> docs(String rendering) {
        List<JsonNode> docs = Deployments.renderings().get(rendering);
        assertThat(docs).as("rendering %s", rendering).isNotNull();
        return docs;
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return Deployments.ofKind(docs, kind);
    }

    private static JsonNode one(List<JsonNode> docs, String kind, String name) {
        return Deployments.one(docs, kind, name);
    }

    private static String name(JsonNode doc) {
        return Deployments.name(doc);
    }

    private static JsonNode container(JsonNode deployment) {
        return Deployments.container(deployment);
    }

    private static Optional<String> literal(JsonNode container, String variable) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(variable) && e.has("value")) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }

    /** A variable's value in a service's container: a literal or the ConfigMap key it refers to. */
    private static String settingValue(String rendering, String service, String variable) {
        JsonNode container = container(one(docs(rendering), "Deployment", service));
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(variable)) {
                if (e.has("value")) {
                    return e.path("value").asText();
                }
                JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
                return one(docs(rendering), "ConfigMap", ref.path("name").asText())
                        .path("data")
                        .path(ref.path("key").asText())
                        .asText();
            }
        }
        return fail("%s %s: %s is not set", rendering, service, variable);
    }

    private static String clientId(String rendering, String serviceAccount) {
        return one(docs(rendering), "ServiceAccount", serviceAccount)
                .path("metadata")
                .path("annotations")
                .path("azure.workload.identity/client-id")
                .asText();
    }

    private static void assertProbe(String where, JsonNode container, String probe, String path, String port) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("path").asText()).as("%s: %s path", where, probe).isEqualTo(path);
        String probePort = get.path("port").asText();
        if (!probePort.matches("\\d+")) {
            for (JsonNode p : container.path("ports")) {
                if (p.path("name").asText().equals(probePort)) {
                    probePort = p.path("containerPort").asText();
                }
            }
        }
        assertThat(probePort).as("%s: %s port", where, probe).isEqualTo(port);
    }

    private static long millicores(String quantity) {
        return quantity.endsWith("m")
                ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Math.round(Double.parseDouble(quantity) * 1000);
    }

    private static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1_000;
            case "M" -> n * 1_000_000;
            case "G" -> n * 1_000_000_000;
            default -> n;
        };
    }

    // --- the services' configuration ---

    /** The topic/subscription pairs of a service's incoming channels, each one the topology has. */
    private static Set<String> subscriptionsOf(String service) {
        Set<String> pairs = configs.get(service).receives();
        pairs.forEach(
                p -> Topology.standard().subscription(p.substring(0, p.indexOf('/')), p.substring(p.indexOf('/') + 1)));
        assertThat(pairs).as("incoming subscriptions of %s", service).isNotEmpty();
        return pairs;
    }
}
