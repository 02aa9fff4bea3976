package io.fhirpipe.fhirclient.auth;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to authenticate to one FHIR server, as configuration states it. The records accept what a
 * configuration layer hands over, absent values included; {@link AccessTokenSources#create} checks
 * them and names whatever is missing. {@code toString()} never shows a secret.
 */
public sealed interface AuthSettings {

    /** {@code none}, {@code bearer}, {@code entra} or {@code smart}: the name errors refer to. */
    String kind();

    /** The server takes unauthenticated requests. */
    record None() implements AuthSettings {
        @Override
        public String kind() {
            return "none";
        }
    }

    /** A fixed token, typically for test servers or tokens rotated by redeploying. */
    record Bearer(String token) implements AuthSettings {
        @Override
        public String kind() {
            return "bearer";
        }

        @Override
        public String toString() {
            return "Bearer[token=" + Redaction.presence(token) + "]";
        }
    }

    /**
     * Microsoft Entra ID through azure-identity's default credential chain (workload identity,
     * managed identity, Azure CLI, ...).
     *
     * @param scope defaults to {@code {fhirBaseUrl}/.default}
     * @param managedIdentityClientId selects a user-assigned managed identity; absent uses the
     *     system-assigned one
     */
    record Entra(Optional<String> scope, Optional<String> managedIdentityClientId) implements AuthSettings {
        public Entra {
            scope = nonBlank(scope);
            managedIdentityClientId = nonBlank(managedIdentityClientId);
        }

        public static Entra withDefaults() {
            return new Entra(Optional.empty(), Optional.empty());
        }

        @Override
        public String kind() {
            return "entra";
        }
    }

    /**
     * SMART Backend Services: client credentials proven by a JWT signed with the client's private
     * key, whose public key the FHIR server's authorization server knows under {@code keyId}.
     *
     * @param tokenUrl absent means discovering it from {@code {fhirBaseUrl}/.well-known/smart-configuration}
     * @param privateKeyPem an unencrypted PKCS#8 PEM; give this or {@code privateKeyPath}
     * @param privateKeyPath a file holding such a PEM
     * @param scope e.g. {@code system/*.read}
     */
    record Smart(
            Optional<URI> tokenUrl,
            String clientId,
            String keyId,
            Optional<String> privateKeyPem,
            Optional<Path> privateKeyPath,
            SigningAlgorithm algorithm,
            String scope)
            implements AuthSettings {

        public Smart {
            tokenUrl = tokenUrl == null ? Optional.empty() : tokenUrl;
            privateKeyPem = nonBlank(privateKeyPem);
            privateKeyPath = privateKeyPath == null ? Optional.empty() : privateKeyPath;
        }

        @Override
        public String kind() {
            return "smart";
        }

        @Override
        public String toString() {
            return "Smart[tokenUrl=" + tokenUrl.map(URI::toString).orElse("<discover>")
                    + ", clientId=" + clientId
                    + ", keyId=" + keyId
                    + ", privateKeyPem=" + Redaction.presence(privateKeyPem.orElse(null))
                    + ", privateKeyPath=" + privateKeyPath.map(Path::toString).orElse("<absent>")
                    + ", algorithm=" + algorithm
                    + ", scope=" + scope + "]";
        }
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value == null ? Optional.empty() : value.filter(v -> !v.isBlank());
    }
}
