package io.fhirpipe.exporttrigger.config;

import io.fhirpipe.fhirclient.config.FhirServerConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the trigger is configured with, under {@code fhirpipe.}. */
@ConfigMapping(prefix = "fhirpipe")
public interface TriggerConfig {

    /** FHIR servers by name; requests and jobs refer to them by that name. */
    Map<String, FhirServerConfig> servers();

    /** Scheduled (incremental) export jobs by name. */
    Map<String, JobConfig> jobs();

    Kickoff kickoff();

    Storage storage();

    Messaging messaging();

    interface JobConfig {
        /** Quartz-style cron, e.g. {@code 0 0 2 * * ?}; {@code off} disables the job. */
        String cron();

        String server();

        @WithDefault("system")
        String level();

        Optional<String> groupId();

        Optional<List<String>> types();

        Optional<List<String>> typeFilters();

        Optional<String> outputFormat();

        Optional<String> container();
    }

    interface Kickoff {
        /** Attempts before a throttled or unreachable kick-off fails the export. */
        @WithDefault("8")
        int maxAttempts();

        @WithDefault("1s")
        Duration minRetryDelay();

        /** Caps what a server asks for in Retry-After. */
        @WithDefault("5m")
        Duration maxRetryDelay();
    }

    interface Storage {
        Optional<String> connectionString();

        Optional<String> accountUrl();

        Optional<String> managedIdentityClientId();

        /** Create the containers at start-up (local stacks); in Azure the deployment creates them. */
        @WithDefault("true")
        boolean createContainers();
    }

    interface Messaging {
        /** artemis or service-bus. */
        @WithDefault("artemis")
        String broker();
    }
}
