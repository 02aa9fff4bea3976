package io.fhirpipe.testsupport.deploy;

import io.fhirpipe.model.topology.ChannelDeclarations;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.RepositoryRoot;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * What one service reads in a deployment, the single reader the deploy tests share: its
 * src/main/resources/application.properties without other profiles' keys, then its {@code %servicebus.}
 * keys, then application-servicebus.properties (Quarkus with QUARKUS_PROFILE=servicebus, which every
 * deployment sets; an explicit profile replaces prod, so {@code %prod.} keys do not apply), over the
 * channels its {@code fhirpipe.messaging.subscriptions} and {@code publishes} declare (expanded as
 * pipeline-runtime's TopologyChannels does, under the files' own lines). Read from the sources, so a
 * setting added to a service is seen by every deploy test at once.
 *
 * @param service the module's name (export-trigger, …)
 * @param properties the effective keys and their raw values, ${…} unresolved
 */
record ServiceConfig(String service, Map<String, String> properties) {

    static final String PROFILE = "servicebus";
    static final List<String> SERVICES =
            List.of("export-trigger", "export-poller", "ndjson-splitter", "synapse-loader");
    /** The connector every channel uses on Service Bus: one AMQP connection per service for all its channels. */
    static final String SERVICE_BUS_CONNECTOR = ChannelDeclarations.SERVICE_BUS_CONNECTOR;

    private static final String BROKER = "fhirpipe.messaging.broker";
    private static final String SERVICE_BUS_BROKER = "service-bus";

    /** {@code ${NAME}} or {@code ${NAME:default}}: an environment variable (no dots, unlike a property reference). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    private static final Pattern SUBSCRIPTION_ADDRESS = Pattern.compile("([^/:]+)/Subscriptions/([^/:]+)");

    private static final String STORAGE_CONFIG =
            "pipeline-runtime/src/main/java/io/fhirpipe/runtime/storage/StorageConfig.java";
    private static final String FHIR_CONFIG =
            "fhir-client/src/main/java/io/fhirpipe/fhirclient/config/FhirServerConfig.java";
    private static final String FHIR_AUTH_CONFIG =
            "fhir-client/src/main/java/io/fhirpipe/fhirclient/config/FhirServerAuthConfig.java";
    private static final String LOADER_CONFIG =
            "synapse-loader/src/main/java/io/fhirpipe/synapseloader/config/LoaderConfig.java";
    /**
     * Variables of @ConfigMapping properties no properties file names (their defaults live in the
     * mapping; SmallRye Config finds FHIRPIPE_A_B_C for fhirpipe.a.b-c). Each names the source and the
     * method that declares it, so a renamed property fails a test instead of being ignored in a pod.
     */
    private static final List<MappedVariable> MAPPED = List.of(
            new MappedVariable("fhirpipe.storage.account-url", STORAGE_CONFIG, "accountUrl()"),
            new MappedVariable(
                    "fhirpipe.storage.managed-identity-client-id", STORAGE_CONFIG, "managedIdentityClientId()"),
            new MappedVariable("fhirpipe.storage.create-containers", STORAGE_CONFIG, "createContainers()"),
            new MappedVariable("fhirpipe.servers.local.flavor", FHIR_CONFIG, "flavor()"),
            new MappedVariable("fhirpipe.servers.local.auth.scope", FHIR_AUTH_CONFIG, "scope()"),
            new MappedVariable(
                    "fhirpipe.servers.local.auth.managed-identity-client-id",
                    FHIR_AUTH_CONFIG,
                    "managedIdentityClientId()"),
            new MappedVariable("fhirpipe.servers.local.auth.token-url", FHIR_AUTH_CONFIG, "tokenUrl()"),
            new MappedVariable("fhirpipe.servers.local.auth.client-id", FHIR_AUTH_CONFIG, "clientId()"),
            new MappedVariable("fhirpipe.servers.local.auth.key-id", FHIR_AUTH_CONFIG, "keyId()"),
            new MappedVariable("fhirpipe.servers.local.auth.private-key-path", FHIR_AUTH_CONFIG, "privateKeyPath()"),
            new MappedVariable("fhirpipe.loader.sql.jdbc-url", LOADER_CONFIG, "jdbcUrl()"),
            new MappedVariable("fhirpipe.loader.sql.auth", LOADER_CONFIG, "auth()"),
            new MappedVariable("fhirpipe.loader.sql.user", LOADER_CONFIG, "user()"),
            new MappedVariable("fhirpipe.loader.sql.password", LOADER_CONFIG, "password()"),
            new MappedVariable(
                    "fhirpipe.loader.sql.managed-identity-client-id", LOADER_CONFIG, "managedIdentityClientId()"),
            new MappedVariable("fhirpipe.loader.sql.storage-account-url", LOADER_CONFIG, "storageAccountUrl()"),
            new MappedVariable("fhirpipe.loader.sql.storage-credential", LOADER_CONFIG, "storageCredential()"),
            new MappedVariable("fhirpipe.loader.sql.sas-token", LOADER_CONFIG, "sasToken()"));
    /** Storage without a connection string: the account URL (a mapping property) reached with an identity. */
    static final String STORAGE_ACCOUNT_URL = environmentForm("fhirpipe.storage.account-url");

    /** A variable a property value reads; {@code fallback} is null when it has no default. */
    record Placeholder(String variable, String fallback) {

        boolean required() {
            return fallback == null;
        }

        static List<Placeholder> in(String value) {
            List<Placeholder> found = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                found.add(new Placeholder(m.group(1), m.group(2)));
            }
            return found;
        }
    }

    /** A config-mapping property without a key in any properties file, and where it is declared. */
    record MappedVariable(String property, String source, String method) {

        String variable() {
            return environmentForm(property);
        }

        /** Whether the source still declares the method: a rename must fail, not silently drop the setting. */
        boolean declared() {
            try {
                return Files.readString(RepositoryRoot.find().resolve(source)).contains(method);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Map<String, ServiceConfig> all() {
        Map<String, ServiceConfig> all = new TreeMap<>();
        SERVICES.forEach(s -> all.put(s, of(s)));
        return all;
    }

    static ServiceConfig of(String service) {
        return read(service, RepositoryRoot.find().resolve(service));
    }

    static ServiceConfig read(String service, Path module) {
        Path resources = module.resolve("src/main/resources");
        Map<String, String> base = new TreeMap<>();
        Map<String, String> application = properties(resources.resolve("application.properties"));
        // the files quarkus.config.locations adds (a dependency's resources), under application.properties
        String locations = application.get("quarkus.config.locations");
        if (locations != null) {
            for (String location : locations.split(",")) {
                base.putAll(properties(locationFile(service, module, location.trim())));
            }
        }
        base.putAll(application);
        Map<String, String> effective = new TreeMap<>();
        base.forEach((k, v) -> {
            if (!k.startsWith("%")) {
                effective.put(k, v);
            }
        });
        base.forEach((k, v) -> {
            if (k.startsWith("%" + PROFILE + ".")) {
                effective.put(k.substring(k.indexOf('.') + 1), v);
            }
        });
        Path profile = resources.resolve("application-" + PROFILE + ".properties");
        if (!Files.isRegularFile(profile)) {
            throw new IllegalStateException(service + " has no " + profile + ": it cannot run on Service Bus");
        }
        effective.putAll(properties(profile));
        return new ServiceConfig(service, withChannels(effective));
    }

    /**
     * The properties with the channels their {@code fhirpipe.messaging.subscriptions} and
     * {@code publishes} declare for their broker, under their own lines: what the service runs with.
     */
    static Map<String, String> withChannels(Map<String, String> properties) {
        Map<String, String> all = new TreeMap<>(ChannelDeclarations.properties(
                Topology.standard(),
                SERVICE_BUS_BROKER.equals(properties.get(BROKER)),
                ChannelDeclarations.names(properties.get(ChannelDeclarations.SUBSCRIPTIONS)),
                ChannelDeclarations.names(properties.get(ChannelDeclarations.PUBLISHES))));
        all.putAll(properties);
        return all;
    }

    /** A class path resource: in the module's resources or in one other module's (a dependency of it). */
    private static Path locationFile(String service, Path module, String location) {
        Path own = module.resolve("src/main/resources").resolve(location);
        if (Files.isRegularFile(own)) {
            return own;
        }
        try (Stream<Path> modules = Files.list(module.getParent())) {
            List<Path> found = modules.map(m -> m.resolve("src/main/resources").resolve(location))
                    .filter(Files::isRegularFile)
                    .toList();
            if (found.size() != 1) {
                throw new IllegalStateException(service + ": quarkus.config.locations names " + location + ", found in "
                        + found.size() + " modules' resources");
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> properties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    /** A copy with one more key: how the tests prove a new setting reaches every check. */
    ServiceConfig with(String key, String value) {
        Map<String, String> changed = new TreeMap<>(properties);
        changed.put(key, value);
        return new ServiceConfig(service, changed);
    }

    String get(String key) {
        return properties.get(key);
    }

    /** Every ${VAR} and ${VAR:default} in the values, with the key that reads it. */
    Map<String, List<Placeholder>> placeholders() {
        Map<String, List<Placeholder>> found = new TreeMap<>();
        properties.forEach((k, v) -> {
            List<Placeholder> in = Placeholder.in(v);
            if (!in.isEmpty()) {
                found.put(k, in);
            }
        });
        return found;
    }

    /** Variables read without a default: the service does not start (or misbehaves) without them. */
    Set<String> required() {
        Set<String> required = new TreeSet<>();
        placeholders()
                .values()
                .forEach(list -> list.stream().filter(Placeholder::required).forEach(p -> required.add(p.variable())));
        return required;
    }

    /**
     * Groups of which a deployment must set at least one, non-empty: how the service reaches Service
     * Bus (namespace with an identity, or a connection string) and storage (account URL with an
     * identity, or a connection string). Taken from the properties that read them, so a renamed
     * variable moves the requirement with it.
     */
    List<Set<String>> connections() {
        return List.of(
                Set.of(
                        variableOf("fhirpipe.messaging.servicebus.namespace"),
                        variableOf("fhirpipe.messaging.servicebus.connection-string")),
                Set.of(STORAGE_ACCOUNT_URL, variableOf("fhirpipe.storage.connection-string")));
    }

    /** The one variable a key's value reads. */
    String variableOf(String key) {
        String value = properties.get(key);
        if (value == null) {
            throw new IllegalStateException(service + " has no " + key);
        }
        List<Placeholder> in = Placeholder.in(value);
        if (in.size() != 1) {
            throw new IllegalStateException(service + ": " + key + "=" + value + " does not read one variable");
        }
        return in.get(0).variable();
    }

    /**
     * Whether setting {@code variable} changes anything for this service: a ${…} reads it, it is the
     * environment form of one of its keys, a declared config mapping reads it, or Quarkus does
     * (QUARKUS_*). A misspelt variable in a deployment would be ignored silently.
     */
    boolean reads(String variable) {
        if (variable.startsWith("QUARKUS_")) {
            return true;
        }
        for (List<Placeholder> list : placeholders().values()) {
            if (list.stream().anyMatch(p -> p.variable().equals(variable))) {
                return true;
            }
        }
        if (properties.keySet().stream().anyMatch(k -> environmentForm(k).equals(variable))) {
            return true;
        }
        return MAPPED.stream().anyMatch(m -> m.variable().equals(variable) && m.declared());
    }

    /** A value with its ${VAR:default} resolved against an environment (unset and no default: empty). */
    static String resolve(String value, Map<String, String> environment) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String replacement = environment.containsKey(m.group(1))
                    ? environment.get(m.group(1))
                    : m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(resolved);
        return resolved.toString();
    }

    /** Channel name to address, for the channels of one direction (incoming, outgoing). */
    Map<String, String> channels(String direction) {
        Pattern key = Pattern.compile("mp\\.messaging\\." + direction + "\\.([^.]+)\\.address");
        Map<String, String> channels = new TreeMap<>();
        properties.forEach((k, v) -> {
            Matcher m = key.matcher(k);
            if (m.matches()) {
                channels.put(m.group(1), v);
            }
        });
        return channels;
    }

    /** Every channel, as incoming.&lt;name&gt; / outgoing.&lt;name&gt;, to its connector (null when none is set). */
    Map<String, String> connectors() {
        Map<String, String> connectors = new TreeMap<>();
        for (String direction : List.of("incoming", "outgoing")) {
            channels(direction)
                    .keySet()
                    .forEach(c -> connectors.put(
                            direction + "." + c, properties.get("mp.messaging." + direction + "." + c + ".connector")));
        }
        return connectors;
    }

    /** Incoming channel to the topic/subscription pair it receives from. */
    Map<String, String> incomingSubscriptions() {
        Map<String, String> pairs = new TreeMap<>();
        channels("incoming").forEach((channel, address) -> {
            Matcher m = SUBSCRIPTION_ADDRESS.matcher(address);
            if (!m.matches()) {
                throw new IllegalStateException(service + " incoming channel " + channel + ": '" + address
                        + "' is not <topic>/Subscriptions/<subscription>");
            }
            pairs.put(channel, m.group(1) + "/" + m.group(2));
        });
        return pairs;
    }

    /** The topic/subscription pairs the incoming channels receive from. */
    Set<String> receives() {
        return new TreeSet<>(incomingSubscriptions().values());
    }

    static String environmentForm(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
