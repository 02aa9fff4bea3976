package io.fhirpipe.ndjsonsplitter.config;

import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the splitter is configured with, under {@code fhirpipe.}. */
@ConfigMapping(prefix = "fhirpipe")
public interface SplitterConfig {

    StorageConfig storage();

    MessagingConfig messaging();

    Splitter splitter();

    interface Splitter {
        /** At most this many lines per chunk. */
        @WithDefault("100000")
        int maxLines();

        /** At most this many bytes per chunk; a longer line is rejected. 64 MiB suits COPY INTO. */
        @WithDefault("67108864")
        long maxBytes();

        /** Block size of chunk uploads and source downloads. */
        @WithDefault("4194304")
        long blockSize();

        /** Blocks of one chunk uploaded in parallel. */
        @WithDefault("2")
        int uploadConcurrency();
    }
}
