package io.fhirpipe.runtime.health;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.policy.RequestRetryPolicy;
import io.fhirpipe.model.storage.Containers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Storage is ready when the {@code state} container answers a properties request within the
 * timeout: one cheap authenticated call that proves the endpoint, the credential and the containers
 * every service needs (the deployment creates them all together).
 */
final class StorageProbe implements Supplier<Probe> {

    private final BlobContainerClient state;
    private final String where;
    private final Duration timeout;

    public StorageProbe(BlobServiceClient storage, Duration timeout) {
        this.state = askingOnce(storage);
        this.where = "storage at " + Unreachable.hostAndPort(storage.getAccountUrl());
        this.timeout = timeout;
    }

    /**
     * The state container through the service client's own pipeline (its credential, its HTTP
     * client) without the retry policy: the SDK retries a refused connection for longer than a
     * readiness probe waits, and the probe must say what happened, not only that time ran out.
     */
    static BlobContainerClient askingOnce(BlobServiceClient storage) {
        HttpPipeline pipeline = storage.getHttpPipeline();
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        for (int i = 0; i < pipeline.getPolicyCount(); i++) {
            HttpPipelinePolicy policy = pipeline.getPolicy(i);
            if (!(policy instanceof RequestRetryPolicy) && !(policy instanceof RetryPolicy)) {
                policies.add(policy);
            }
        }
        HttpPipeline once = new HttpPipelineBuilder()
                .httpClient(pipeline.getHttpClient())
                .policies(policies.toArray(HttpPipelinePolicy[]::new))
                .build();
        return new BlobContainerClientBuilder()
                .endpoint(storage.getAccountUrl())
                .containerName(Containers.STATE)
                .pipeline(once)
                .serviceVersion(storage.getServiceVersion())
                .buildClient();
    }

    @Override
    public Probe get() {
        try {
            state.getPropertiesWithResponse(null, timeout, Context.NONE);
            return Probe.up(where + " answers");
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Probe.down(where + " has no container '" + Containers.STATE + "'");
            }
            return Probe.down(where + " answered HTTP " + e.getStatusCode()
                    + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()));
        } catch (RuntimeException e) {
            return Probe.down(where + " " + Unreachable.why(e, timeout));
        }
    }
}
