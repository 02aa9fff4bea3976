package io.fhirpipe.runtime.servicebus;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a service reaches its Service Bus namespace ({@code fhirpipe.messaging.servicebus.}): a fully qualified
 * namespace with {@code DefaultAzureCredential} (managed identity, workload identity, Azure CLI...),
 * or a connection string (the emulator, or shared access keys). Exactly one of the two.
 *
 * @param namespace              e.g. {@code fhirpipe-prod.servicebus.windows.net}; null with a connection string
 * @param connectionString       {@code Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...}; a secret,
 *                               never logged nor put in an exception message
 * @param managedIdentityClientId a user-assigned identity for DefaultAzureCredential; null for the default
 */
public record ServiceBusSettings(String namespace, String connectionString, String managedIdentityClientId) {

    public static final String NAMESPACE = "fhirpipe.messaging.servicebus.namespace";
    public static final String CONNECTION_STRING = "fhirpipe.messaging.servicebus.connection-string";
    public static final String MANAGED_IDENTITY_CLIENT_ID = "fhirpipe.messaging.servicebus.managed-identity-client-id";

    public ServiceBusSettings {
        namespace = blankToNull(namespace);
        connectionString = blankToNull(connectionString);
        managedIdentityClientId = blankToNull(managedIdentityClientId);
        if (namespace == null && connectionString == null) {
            throw new IllegalStateException("Service Bus is not configured: set " + NAMESPACE
                    + " (a fully qualified namespace such as <name>.servicebus.windows.net, reached with"
                    + " DefaultAzureCredential) or " + CONNECTION_STRING);
        }
        if (namespace != null && connectionString != null) {
            throw new IllegalStateException(
                    "set only one of " + NAMESPACE + " and " + CONNECTION_STRING + "; both are set");
        }
        if (namespace != null) {
            if (namespace.contains(";") || namespace.contains("=")) {
                // looks like a connection string: do not echo it
                throw new IllegalStateException(NAMESPACE + " must be a fully qualified namespace such as"
                        + " <name>.servicebus.windows.net, not a connection string (that goes in "
                        + CONNECTION_STRING + ")");
            }
            if (namespace.contains("://") || namespace.contains("/") || !namespace.contains(".")) {
                throw new IllegalStateException(NAMESPACE + " must be a fully qualified namespace such as"
                        + " <name>.servicebus.windows.net (no scheme, no path), was '" + namespace + "'");
            }
        }
        if (connectionString != null && !connectionString.contains("Endpoint=")) {
            throw new IllegalStateException(
                    CONNECTION_STRING + " is not a Service Bus connection string (no Endpoint=...)");
        }
        if (connectionString != null && managedIdentityClientId != null) {
            throw new IllegalStateException(MANAGED_IDENTITY_CLIENT_ID + " only applies with " + NAMESPACE
                    + "; a connection string carries its own key");
        }
    }

    /** Reads the settings from configuration (MicroProfile Config in a service, a map in tests). */
    public static ServiceBusSettings from(Function<String, Optional<String>> config) {
        return new ServiceBusSettings(
                config.apply(NAMESPACE).orElse(null),
                config.apply(CONNECTION_STRING).orElse(null),
                config.apply(MANAGED_IDENTITY_CLIENT_ID).orElse(null));
    }

    /** What to say in a log about where this service connects: never the key. */
    public String describe() {
        if (namespace != null) {
            return namespace + " (DefaultAzureCredential"
                    + (managedIdentityClientId == null ? "" : ", managed identity " + managedIdentityClientId) + ")";
        }
        return endpoint() + " (connection string)";
    }

    /** The endpoint part of the connection string, without the key. */
    private String endpoint() {
        for (String part : connectionString.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "Endpoint=", 0, "Endpoint=".length())) {
                return p.substring("Endpoint=".length());
            }
        }
        return "(no endpoint)";
    }

    @Override
    public String toString() {
        return "ServiceBusSettings[" + describe() + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * A client builder for these settings: a connection string, or the namespace with
     * DefaultAzureCredential (a user-assigned managed identity when its client id is set). Every
     * client one builder makes shares its AMQP connection.
     */
    public ServiceBusClientBuilder clientBuilder() {
        ServiceBusClientBuilder builder = new ServiceBusClientBuilder();
        if (connectionString != null) {
            return builder.connectionString(connectionString);
        }
        DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder();
        if (managedIdentityClientId != null) {
            credential.managedIdentityClientId(managedIdentityClientId);
        }
        return builder.credential(namespace, credential.build());
    }
}
