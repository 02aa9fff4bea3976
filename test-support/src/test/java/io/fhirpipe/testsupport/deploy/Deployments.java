package io.fhirpipe.testsupport.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fhirpipe.model.topology.BicepTopology;
import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.testsupport.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deployment artefacts as the deploy tests read them, one reader each: docker-compose.yml, the
 * emulator's Config.json, the Bicep (topology.json and the .bicep files, as text: no Bicep CLI here)
 * and the Kustomize overlays rendered with {@code kubectl kustomize} (once per JVM: every test class
 * shares the renderings).
 */
final class Deployments {

    /** prod with components/fhir-smart-key-vault, rendered as an overlay that uses the component would be. */
    static final String SMART_RENDERING = "prod+fhir-smart-key-vault";
    /** What a secret reference stands for in an environment map: set, value unknown here. */
    static final String SECRET = "<secret>";

    /** An env entry of a container app: its name, then its value or secretRef on the next line. */
    private static final Pattern ENV_ENTRY =
            Pattern.compile("name: '([A-Z][A-Z0-9_]*)'\\s*\\n\\s*(value|secretRef): ([^\\n]+)");

    private static Map<String, List<JsonNode>> renderings;

    private Deployments() {}

    static Path root() {
        return RepositoryRoot.find();
    }

    // --- docker-compose.yml ---

    static JsonNode compose() {
        return readYaml(root().resolve("docker-compose.yml"));
    }

    /** The services compose builds from this repository (the four fhirpipe services). */
    static List<String> composeBuilt(JsonNode compose) {
        List<String> built = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().has("build")) {
                built.add(e.getKey());
            }
        });
        return built;
    }

    /** Compose's environment of a service as a map, whether written as a map or as a list of NAME=value. */
    static Map<String, String> composeEnvironment(JsonNode compose, String service) {
        JsonNode node = compose.path("services").path(service).path("environment");
        Map<String, String> environment = new TreeMap<>();
        if (node.isArray()) {
            node.forEach(e -> {
                String[] parts = e.asText().split("=", 2);
                environment.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        } else {
            node.fields()
                    .forEachRemaining(
                            e -> environment.put(e.getKey(), e.getValue().asText()));
        }
        return environment;
    }

    // --- the Service Bus emulator ---

    static JsonNode emulatorConfig() {
        return readJson(root().resolve(ServiceBusEmulatorConfig.RELATIVE_PATH));
    }

    /** The one namespace of an emulator Config.json (the emulator supports one). */
    static JsonNode emulatorNamespace(JsonNode config) {
        return config.path("UserConfig").path("Namespaces").path(0);
    }

    // --- Bicep ---

    static JsonNode bicepTopology() {
        return readJson(root().resolve(BicepTopology.RELATIVE_PATH));
    }

    /** deploy/azure/*.bicep by file name. */
    static Map<String, String> bicepFiles() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(root().resolve("deploy/azure"))) {
            for (Path file : list.filter(f -> f.toString().endsWith(".bicep")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /**
     * The variables the container app of {@code service} sets, each to its Bicep expression as written
     * (a secret reference as {@link #SECRET}): app.bicep's baseEnv, the service's serviceEnv entry in
     * containerapps.bicep, and every list variable that entry uses.
     */
    static Map<String, String> bicepEnvironment(Map<String, String> bicep, String service) {
        Map<String, String> environment =
                new LinkedHashMap<>(envEntries(block(bicep.get("app.bicep"), "var baseEnv = [", "\n]")));
        String own = bicepServiceEnv(bicep, service);
        environment.putAll(envEntries(own));
        String containerApps = bicep.get("containerapps.bicep");
        Matcher vars = Pattern.compile("(?m)^var (\\w+) = \\[").matcher(containerApps);
        while (vars.find()) {
            if (Pattern.compile("\\b" + vars.group(1) + "\\b").matcher(own).find()) {
                environment.putAll(envEntries(block(containerApps, "var " + vars.group(1) + " = [", "\n]")));
            }
        }
        return environment;
    }

    /** The service's entry of containerapps.bicep's serviceEnv. */
    static String bicepServiceEnv(Map<String, String> bicep, String service) {
        String serviceEnv = block(bicep.get("containerapps.bicep"), "var serviceEnv = {", "\n}");
        int start = serviceEnv.indexOf("\n  '" + service + "':");
        if (start < 0) {
            throw new AssertionError("containerapps.bicep's serviceEnv has no entry for " + service);
        }
        Matcher next = Pattern.compile("\\n  '[a-z-]+':").matcher(serviceEnv);
        int end = next.find(start + 1) ? next.start() : serviceEnv.length();
        return serviceEnv.substring(start, end);
    }

    /** The text from {@code start} to the first {@code end} after it, both included. */
    static String block(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            throw new AssertionError("'" + start + "' is not in the Bicep");
        }
        int to = text.indexOf(end, from + start.length());
        if (to < 0) {
            throw new AssertionError("'" + start + "' does not end with '" + end + "'");
        }
        return text.substring(from, to + end.length());
    }

    private static Map<String, String> envEntries(String text) {
        Map<String, String> entries = new LinkedHashMap<>();
        Matcher m = ENV_ENTRY.matcher(text);
        while (m.find()) {
            entries.put(
                    m.group(1),
                    m.group(2).equals("secretRef") ? SECRET : m.group(3).strip());
        }
        return entries;
    }

    // --- Kustomize ---

    static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(root().resolve("deploy/aks/overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of {@link #renderings()}, known without kubectl. */
    static List<String> renderingNames() {
        List<String> all = new ArrayList<>(overlays());
        all.add(SMART_RENDERING);
        return all;
    }

    /** Every overlay, and prod with the Key Vault component, rendered; needs kubectl. */
    static synchronized Map<String, List<JsonNode>> renderings() {
        if (renderings == null) {
            Map<String, List<JsonNode>> rendered = new LinkedHashMap<>();
            for (String overlay : overlays()) {
                rendered.put(
                        overlay, kustomize(root().resolve("deploy/aks/overlays").resolve(overlay)));
            }
            Path composed = root().resolve("test-support/target/aks-fhir-smart-key-vault");
            try {
                Files.createDirectories(composed);
                Files.writeString(
                        composed.resolve("kustomization.yaml"),
                        String.join(
                                "\n",
                                "apiVersion: kustomize.config.k8s.io/v1beta1",
                                "kind: Kustomization",
                                "namespace: fhirpipe",
                                "resources:",
                                "  - ../../../deploy/aks/overlays/prod",
                                "components:",
                                "  - ../../../deploy/aks/components/fhir-smart-key-vault",
                                ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rendered.put(SMART_RENDERING, kustomize(composed));
            renderings = rendered;
        }
        return renderings;
    }

    static List<JsonNode> kustomize(Path dir) {
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(
                            "kubectl kustomize " + dir + " failed (" + p.exitValue() + "): " + Files.readString(err));
                }
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it =
                        new YAMLMapper().readerFor(JsonNode.class).readValues(out.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                            docs.add(doc);
                        }
                    }
                }
                if (docs.isEmpty()) {
                    throw new AssertionError("kubectl kustomize " + dir + " rendered nothing");
                }
                return docs;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    /** The one resource of a kind with that name. */
    static JsonNode one(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found =
                ofKind(docs, kind).stream().filter(d -> name(d).equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " " + kind + " named " + name + ", expected 1");
        }
        return found.get(0);
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static JsonNode container(JsonNode deployment) {
        JsonNode containers =
                deployment.path("spec").path("template").path("spec").path("containers");
        if (containers.size() != 1) {
            throw new AssertionError(containers.size() + " containers in " + name(deployment) + ", expected 1");
        }
        return containers.get(0);
    }

    /**
     * The environment a service's container gets: literals, ConfigMap keys (a missing key or ConfigMap
     * leaves the variable out, as Kubernetes would refuse to start the pod), Secret references (as
     * {@link #SECRET}) and envFrom ConfigMaps.
     */
    static Map<String, String> podEnvironment(List<JsonNode> docs, String service) {
        JsonNode container = container(one(docs, "Deployment", service));
        Map<String, String> environment = new TreeMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String configMap = from.path("configMapRef").path("name").asText(null);
            if (configMap != null) {
                configMapData(docs, configMap)
                        .fields()
                        .forEachRemaining(e -> environment.put(
                                from.path("prefix").asText("") + e.getKey(),
                                e.getValue().asText()));
            }
        }
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode valueFrom = variable.path("valueFrom");
            if (variable.has("value")) {
                environment.put(name, variable.path("value").asText());
            } else if (valueFrom.has("configMapKeyRef")) {
                JsonNode ref = valueFrom.path("configMapKeyRef");
                JsonNode data = configMapData(docs, ref.path("name").asText());
                if (data.has(ref.path("key").asText())) {
                    environment.put(name, data.path(ref.path("key").asText()).asText());
                }
            } else if (valueFrom.has("secretKeyRef")) {
                environment.put(name, SECRET);
            }
        }
        return environment;
    }

    private static JsonNode configMapData(List<JsonNode> docs, String name) {
        return ofKind(docs, "ConfigMap").stream()
                .filter(d -> name(d).equals(name))
                .findFirst()
                .map(d -> d.path("data"))
                .orElse(new ObjectMapper().createObjectNode());
    }

    // --- files ---

    static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readYaml(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
