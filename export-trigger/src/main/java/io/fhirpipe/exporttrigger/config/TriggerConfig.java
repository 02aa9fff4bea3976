package io.fhirpipe.exporttrigger.config;

import io.fhirpipe.fhirclient.config.FhirServerConfig;
import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.quarkus.runtime.configuration.MemorySize;
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

    StorageConfig storage();

    MessagingConfig messaging();

    Api api();

    interface Api {
        /** The largest request body the admin API reads; larger ones are refused with 413 before they are read. */
        @WithDefault("64K")
        MemorySize maxBodySize();
    }

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
}
