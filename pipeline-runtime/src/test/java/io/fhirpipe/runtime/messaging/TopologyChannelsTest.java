package io.fhirpipe.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.topology.ChannelDeclarations;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.RepositoryRoot;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every service declares its channels by the two keys only, and what it runs with, on both brokers,
 * is the topology's channels plus its own tuning lines.
 */
class TopologyChannelsTest {

    /** Each service's declaration, as it writes it in application.properties. */
    record Service(String module, List<String> subscriptions, List<String> publishes) {}

    static final List<Service> SERVICES = List.of(
            new Service(
                    "export-trigger",
                    List.of("export-trigger", "export-tracker"),
                    List.of("export-requested", "export-accepted", "export-failed", "export-loaded")),
            new Service(
                    "export-poller",
                    List.of("export-poller", "export-transfer"),
                    List.of(
                            "export-poll-due-out=export-accepted",
                            "export-file-ready",
                            "export-completed",
                            "export-failed",
                            "file-failed",
                            "blob-created")),
            new Service(
                    "ndjson-splitter",
                    List.of("ndjson-splitter"),
                    List.of("chunk-ready", "split-completed", "file-failed", "blob-created")),
            new Service("synapse-loader", List.of("synapse-loader"), List.of("chunk-loaded", "chunk-failed")));

    private static final int APPLICATION = 250;
    private static final int PROFILE_FILE = 260;

    @Test
    void everyServiceNamesItsSubscriptionsAndTopicsAndWritesNoTransport() throws IOException {
        for (Service service : SERVICES) {
            Map<String, String> application = file(service.module(), "application.properties");
            assertThat(ChannelDeclarations.names(application.get(ChannelDeclarations.SUBSCRIPTIONS)))
                    .as(service.module())
                    .isEqualTo(service.subscriptions());
            assertThat(ChannelDeclarations.names(application.get(ChannelDeclarations.PUBLISHES)))
                    .as(service.module())
                    .isEqualTo(service.publishes());
            Map<String, String> written = channels(application);
            written.putAll(channels(file(service.module(), "application-servicebus.properties")));
            assertThat(withoutServiceTuning(written)).as(service.module()).isEmpty();
        }
    }

    @Test
    void onArtemisEveryServiceRunsWithTheTopologysChannels() throws IOException {
        for (Service service : SERVICES) {
            Map<String, String> effective = channels(effective(service.module(), null));
            assertThat(withoutServiceTuning(effective))
                    .as(service.module())
                    .isEqualTo(new TreeMap<>(ChannelDeclarations.properties(
                            Topology.standard(), false, service.subscriptions(), service.publishes())));
            assertThat(effective).as(service.module()).doesNotContainValue(ChannelDeclarations.SERVICE_BUS_CONNECTOR);
        }
        assertThat(effective("export-poller", null)
                        .getValue("mp.messaging.outgoing.export-poll-due-out.address", String.class))
                .isEqualTo("export-accepted");
        assertThat(effective("synapse-loader", null)
                        .getValue("mp.messaging.incoming.chunk-ready.address", String.class))
                .isEqualTo("chunk-ready::chunk-ready.synapse-loader");
    }

    @Test
    void onServiceBusEveryServiceRunsWithTheTopologysChannelsAndItsTuning() throws IOException {
        for (Service service : SERVICES) {
            Map<String, String> effective = channels(effective(service.module(), "servicebus"));
            assertThat(withoutServiceTuning(effective))
                    .as(service.module())
                    .isEqualTo(new TreeMap<>(ChannelDeclarations.properties(
                            Topology.standard(), true, service.subscriptions(), service.publishes())));
        }
        SmallRyeConfig poller = effective("export-poller", "servicebus");
        assertThat(poller.getValue("mp.messaging.incoming.export-file-ready.address", String.class))
                .isEqualTo("export-file-ready/Subscriptions/export-transfer");
        assertThat(poller.getValue("mp.messaging.incoming.export-file-ready.connector", String.class))
                .isEqualTo("fhirpipe-service-bus");
        assertThat(poller.getValue(
                        "mp.messaging.incoming.export-file-ready.max-auto-lock-renew-duration", String.class))
                .isEqualTo("2h");
    }

    @Test
    void aServicesOwnLinesWinAndTheBrokerComesFromItsConfiguration() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        Map.of(
                                ChannelDeclarations.SUBSCRIPTIONS,
                                "synapse-loader",
                                ChannelDeclarations.PUBLISHES,
                                "chunk-loaded,chunk-failed",
                                TopologyChannels.BROKER,
                                "service-bus",
                                "mp.messaging.incoming.chunk-ready.address",
                                "chunk-ready/Subscriptions/loader-b"),
                        "application.properties",
                        APPLICATION))
                .withSources(new TopologyChannels())
                .build();
        assertThat(config.getValue("mp.messaging.incoming.chunk-ready.connector", String.class))
                .isEqualTo("fhirpipe-service-bus");
        assertThat(config.getValue("mp.messaging.incoming.chunk-ready.address", String.class))
                .isEqualTo("chunk-ready/Subscriptions/loader-b");
        assertThat(config.getValue("mp.messaging.outgoing.chunk-failed-out.address", String.class))
                .isEqualTo("chunk-failed");
    }

    @Test
    void aServiceThatNamesNothingGetsNoChannels() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        Map.of("quarkus.application.name", "other"), "application.properties", APPLICATION))
                .withSources(new TopologyChannels())
                .build();
        assertThat(config.getPropertyNames()).noneMatch(k -> k.startsWith("mp.messaging."));
    }

    /**
     * A service's configuration as Quarkus layers it (its application.properties, then
     * application-&lt;profile&gt;.properties for the active profile), with this config source factory.
     */
    static SmallRyeConfig effective(String module, String profile) throws IOException {
        Path resources = RepositoryRoot.find().resolve(module).resolve("src/main/resources");
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(
                        resources.resolve("application.properties").toUri().toURL(), APPLICATION))
                .withSources(new TopologyChannels());
        if (profile != null) {
            builder.withProfile(profile)
                    .withSources(new PropertiesConfigSource(
                            resources
                                    .resolve("application-" + profile + ".properties")
                                    .toUri()
                                    .toURL(),
                            PROFILE_FILE));
        }
        return builder.build();
    }

    /** What a service tunes per channel (concurrency, lock renewal) stays in its own properties. */
    static Map<String, String> withoutServiceTuning(Map<String, String> channels) {
        Map<String, String> copy = new TreeMap<>(channels);
        copy.keySet()
                .removeIf(k -> k.endsWith(".max-concurrent-calls")
                        || k.endsWith(".max-auto-lock-renew-duration")
                        || k.endsWith(".prefetch")
                        || k.endsWith(".retry-min-delay")
                        || k.endsWith(".retry-max-delay"));
        return copy;
    }

    static Map<String, String> channels(SmallRyeConfig config) {
        Map<String, String> all = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("mp.messaging.incoming.") || name.startsWith("mp.messaging.outgoing.")) {
                all.put(name, config.getRawValue(name));
            }
        }
        return all;
    }

    static Map<String, String> channels(Map<String, String> properties) {
        Map<String, String> channels = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith("mp.messaging.incoming.") || k.startsWith("mp.messaging.outgoing.")) {
                channels.put(k, v);
            }
        });
        return channels;
    }

    static Map<String, String> file(String module, String name) throws IOException {
        Path path = RepositoryRoot.find()
                .resolve(module)
                .resolve("src/main/resources")
                .resolve(name);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(path.toUri().toURL(), APPLICATION))
                .build();
        Map<String, String> all = new TreeMap<>();
        config.getConfigSources().forEach(s -> all.putAll(s.getProperties()));
        return all;
    }
}
