package io.fhirpipe.exportpoller.transfer;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.model.storage.Containers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds the transfer and the threads it uploads and watches downloads with. */
@ApplicationScoped
class TransferBeans {

    private final ExecutorService uploads = Executors.newCachedThreadPool(daemon("landing-upload"));
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(daemon("download-watchdog"));

    @Produces
    @Singleton
    TransferSettings transferSettings(PollerConfig config) {
        return TransferSettings.from(config.transfer());
    }

    @Produces
    @Singleton
    FileTransfer fileTransfer(BlobServiceClient blobs, TransferSettings settings) {
        // Each transfer bounds its own uploads (upload-concurrency blocks); the pool only supplies threads.
        return new FileTransfer(
                blobs.getBlobContainerClient(Containers.LANDING), settings, uploads, watchdog, Clock.systemUTC());
    }

    @PreDestroy
    void stop() {
        watchdog.shutdownNow();
        uploads.shutdownNow();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
