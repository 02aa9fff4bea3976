package io.fhirpipe.synapseloader.config;

import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything the loader is configured with, under {@code fhirpipe.}. */
@ConfigMapping(prefix = "fhirpipe")
public interface LoaderConfig {

    StorageConfig storage();

    MessagingConfig messaging();

    Loader loader();

    interface Loader {
        /**
         * duckdb (the embedded local default), synapse-dedicated, synapse-serverless or
         * fabric-warehouse; the T-SQL dialects are configured under {@code fhirpipe.loader.sql}.
         */
        @WithDefault("duckdb")
        String dialect();

        Duckdb duckdb();

        /** The T-SQL dialects' connection and storage settings; unused with duckdb. */
        Sql sql();

        /**
         * When set, the only resource types this instance loads. Routing is the broker's job (a
         * subscription filter / receiver selector on the resourceType property); this list is the
         * guard that makes a routing mistake visible: a chunk of another type is dead-lettered
         * with reason ResourceTypeNotServed, never silently acked.
         */
        Optional<List<String>> resourceTypes();

        /** A directory of ViewDefinition *.json files that add to or replace the shipped views. */
        Optional<Path> viewsDirectory();

        /** Where chunks are downloaded and Parquet is staged; default: a folder under java.io.tmpdir. */
        Optional<Path> workDirectory();

        /** Write the typed tables as Parquet under curated/ after each commit. */
        @WithDefault("true")
        boolean curatedParquet();

        /**
         * At most this often: each snapshot rewrites whole tables, so under a steady stream of chunks
         * writing one per commit costs more than the load. 0 = after every commit; otherwise a timer
         * writes what is pending, and shutdown does too.
         */
        @WithDefault("15s")
        Duration curatedInterval();

        /** In-process retries of a transient warehouse failure before the message is abandoned. */
        Retry retry();
    }

    interface Retry {
        /** Attempts in all (1 = hand a transient failure straight back to the broker). */
        @WithDefault("4")
        int maxAttempts();

        /** The first wait; each next one is drawn up to twice as long (full jitter), at most {@link #maxDelay}. */
        @WithDefault("1s")
        Duration minDelay();

        @WithDefault("20s")
        Duration maxDelay();

        /**
         * No attempt starts later than this after the first: the retries must fit in the broker's
         * message lock (Service Bus: 1 minute, which also covers the download and the screen).
         */
        @WithDefault("30s")
        Duration maxElapsed();
    }

    interface Duckdb {
        /** The database file. */
        @WithDefault("data/fhirpipe.duckdb")
        Path path();

        /** DuckDB's memory_limit, e.g. 2GB; DuckDB's default (80% of RAM) when unset. */
        Optional<String> memoryLimit();

        /** DuckDB's threads; all cores when unset. */
        Optional<Integer> threads();

        /**
         * How each ViewDefinition's typed rows are kept: {@code tables} (maintained in every load
         * transaction) or {@code views} (DuckDB views over the raw tables, created at start-up;
         * loads only merge into raw, queries and curated snapshots evaluate the JSON paths).
         */
        @WithDefault("views")
        String typed();

        /**
         * DuckDB's checkpoint_threshold (application.properties: 16MB, DuckDB's own default, which is
         * also what applies when it is set empty).
         */
        Optional<String> checkpointThreshold();
    }

    /**
     * Settings of the T-SQL dialects; which are required is checked at start-up
     * (io.fhirpipe.synapseloader.dialect.TSqlSettings), naming the missing property.
     */
    interface Sql {
        /** jdbc:sqlserver://... without credentials (they are rejected in the URL). */
        Optional<String> jdbcUrl();

        /** sql (user and password) or entra (an Entra ID token from DefaultAzureCredential). */
        @WithDefault("sql")
        String auth();

        Optional<String> user();

        Optional<String> password();

        /** With auth=entra: the client id of a user-assigned managed identity. */
        Optional<String> managedIdentityClientId();

        /**
         * How the warehouse reads storage: managed-identity, sas, or caller-identity (Fabric: the
         * connection's own Entra identity). Default: caller-identity for fabric-warehouse,
         * managed-identity otherwise.
         */
        Optional<String> storageCredential();

        /** With storage-credential=sas: the SAS token (without the leading '?'). */
        Optional<String> sasToken();

        /** The storage account's blob endpoint, e.g. https://account.blob.core.windows.net. */
        Optional<String> storageAccountUrl();

        @WithDefault("30s")
        Duration loginTimeout();

        @WithDefault("raw")
        String rawSchema();

        @WithDefault("dbo")
        String typedSchema();

        @WithDefault("fhirpipe")
        String controlSchema();
    }
}
