package io.fhirpipe.synapseloader.tsql;

import com.azure.core.credential.TokenCredential;

/** How the loader signs in to the warehouse. Secrets never appear in {@link #toString()}. */
public sealed interface SqlAuthentication {

    /** SQL authentication (user and password). */
    record SqlPassword(String user, String password) implements SqlAuthentication {
        public SqlPassword {
            if (user == null || user.isBlank() || password == null) {
                throw new IllegalArgumentException("SQL authentication needs a user and a password");
            }
        }

        @Override
        public String toString() {
            return "SqlPassword[user=" + user + ", password=***]";
        }
    }

    /**
     * An Entra ID access token for {@code https://database.windows.net/.default}, obtained on each
     * (re)connect from {@code credential} (DefaultAzureCredential in production: managed identity,
     * workload identity, Azure CLI ...).
     */
    record EntraToken(TokenCredential credential) implements SqlAuthentication {
        public EntraToken {
            if (credential == null) {
                throw new IllegalArgumentException("Entra authentication needs a TokenCredential");
            }
        }

        @Override
        public String toString() {
            return "EntraToken[" + credential.getClass().getSimpleName() + "]";
        }
    }
}
