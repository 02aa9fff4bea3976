package io.fhirpipe.runtime.storage;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code fhirpipe.storage.}: the same keys in every service. */
public interface StorageConfig {

    /** Local (Azurite): a connection string. Never logged. */
    Optional<String> connectionString();

    /** Azure: the Blob endpoint, reached with Microsoft Entra ID. */
    Optional<String> accountUrl();

    /** A user-assigned managed identity, when the pod has several. */
    Optional<String> managedIdentityClientId();

    /** Create fhirpipe's containers at start-up (local stacks); in Azure the deployment creates them. */
    @WithDefault("true")
    boolean createContainers();
}
