package io.fhirpipe.exporttrigger.config;

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

    interface FhirServerConfig {
        String baseUrl();

        /** {@code standard} (Bulk Data IG: {@code _until}) or {@code azure} (Azure's FHIR service: {@code _till}). */
        @WithDefault("standard")
        String flavor();

        /** {@code get} or {@code post}; a request with {@code patients} always uses POST. */
        @WithDefault("get")
        String kickoffMethod();

        @WithDefault("10s")
        Duration connectTimeout();

        @WithDefault("60s")
        Duration requestTimeout();

        Auth auth();
    }

    interface Auth {
        /** none, bearer, entra or smart. */
        @WithDefault("none")
        String type();

        Optional<String> token();

        Optional<String> scope();

        Optional<String> managedIdentityClientId();

        Optional<String> tokenUrl();

        Optional<String> clientId();

        Optional<String> keyId();

        Optional<String> privateKeyPem();

        Optional<String> privateKeyPath();

        @WithDefault("RS384")
        String algorithm();
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
