package io.fhirpipe.synapseloader.tsql;

import java.util.regex.Pattern;

/**
 * How the warehouse reads the storage account: its managed identity, a SAS token, or (Fabric)
 * the Entra identity of the connection, where COPY INTO takes no CREDENTIAL clause. The SAS token
 * never appears in {@link #toString()}.
 */
public sealed interface StorageCredential {

    /** The workspace / server managed identity ({@code IDENTITY = 'Managed Identity'}). */
    record ManagedIdentity() implements StorageCredential {}

    /** The caller's Entra identity: no CREDENTIAL clause at all. */
    record CallerIdentity() implements StorageCredential {}

    /**
     * A shared access signature, without the leading '?'. A SAS token is URL query text, so
     * anything but URL-safe characters is refused rather than escaped.
     */
    record SharedAccessSignature(String token) implements StorageCredential {
        private static final Pattern SAS = Pattern.compile("[A-Za-z0-9%&=:._+/-]+");

        public SharedAccessSignature {
            if (token != null && token.startsWith("?")) {
                token = token.substring(1);
            }
            if (token == null || !SAS.matcher(token).matches()) {
                throw new IllegalArgumentException("SAS token contains characters not allowed in a SAS");
            }
        }

        @Override
        public String toString() {
            return "SharedAccessSignature[token=***]";
        }
    }
}
