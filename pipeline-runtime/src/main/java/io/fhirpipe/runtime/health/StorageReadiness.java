package io.fhirpipe.runtime.health;

import com.azure.storage.blob.BlobServiceClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** Every service needs its storage account: ready while it answers (see {@link StorageProbe}). */
@org.eclipse.microprofile.health.Readiness
@Singleton
class StorageReadiness implements HealthCheck {

    private final CachedProbe storage;

    @Inject
    StorageReadiness(BlobServiceClient storage) {
        this.storage = new CachedProbe(Readiness.CACHE_FOR, new StorageProbe(storage, Readiness.TIMEOUT));
    }

    @Override
    public HealthCheckResponse call() {
        return storage.get().response("storage");
    }
}
