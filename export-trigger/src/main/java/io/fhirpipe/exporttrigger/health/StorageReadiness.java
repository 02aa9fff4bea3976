package io.fhirpipe.exporttrigger.health;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.runtime.health.CachedProbe;
import io.fhirpipe.runtime.health.Readiness;
import io.fhirpipe.runtime.health.StorageProbe;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** Ready while the storage account answers (see {@link StorageProbe}). */
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
