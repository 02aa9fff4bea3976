package io.fhirpipe.synapseloader.config;

import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.smallrye.config.WithDefault;
import io.smallrye.config.ConfigMapping;

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
        /** duckdb (local default); the T-SQL dialects are separate work. */
        @WithDefault("duckdb")
        String dialect();

        Duckdb duckdb();

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

        @WithDefault("60s")
        Duration publishTimeout();
    }

    interface Duckdb {
        /** The database file. */
        @WithDefault("data/fhirpipe.duckdb")
        Path path();

        /** DuckDB's memory_limit, e.g. 2GB; DuckDB's default (80% of RAM) when unset. */
        Optional<String> memoryLimit();

        /** DuckDB's threads; all cores when unset. */
        Optional<Integer> threads();
    }
}
