package io.fhirpipe.fhirclient.config;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code fhirpipe.servers.<name>.auth.}: how fhirpipe authenticates to that server. */
interface FhirServerAuthConfig {

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
