package io.fhirpipe.ndjsonsplitter.split;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;
import io.fhirpipe.ndjsonsplitter.config.SplitterConfig;
import io.fhirpipe.ndjsonsplitter.messaging.SplitterChannels;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Storage client and splitter, built from configuration. */
@ApplicationScoped
class SplitterBeans {

    @Produces
    @Singleton
    BlobServiceClient blobServiceClient(SplitterConfig config) {
        return BlobStorageClients.fromConfig(config.storage());
    }

    @Produces
    @Singleton
    LandingFileSplitter landingFileSplitter(
            BlobServiceClient client,
            SplitterConfig config,
            @Named(SplitterChannels.CHUNK_READY_OUT) CloudEventPublisher chunkReady,
            @Named(SplitterChannels.SPLIT_COMPLETED_OUT) CloudEventPublisher splitCompleted) {
        SplitterConfig.Splitter s = config.splitter();
        SplitSettings settings =
                new SplitSettings(new ChunkLimits(s.maxLines(), s.maxBytes()), s.blockSize(), s.uploadConcurrency());
        return new LandingFileSplitter(
                client, settings, EventSink.of(chunkReady), EventSink.of(splitCompleted), Clock.systemUTC());
    }
}
