package io.fhirpipe.synapseloader.dialect;

import com.azure.identity.DefaultAzureCredentialBuilder;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.tsql.SqlAuthentication;
import io.fhirpipe.synapseloader.tsql.SqlServerConnections;
import io.fhirpipe.synapseloader.tsql.StorageCredential;
import io.fhirpipe.synapseloader.tsql.StorageLocations;
import io.fhirpipe.synapseloader.tsql.WarehouseKind;
import io.fhirpipe.synapseloader.tsql.WarehouseLayout;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The checked {@code fhirpipe.loader.sql.*} settings of a T-SQL dialect. Every problem is a
 * {@link WarehouseConfigException} naming the property; no message repeats a password or SAS.
 */
public record TSqlSettings(
        WarehouseKind kind,
        String jdbcUrl,
        SqlAuthentication authentication,
        StorageCredential storageCredential,
        String storageAccountUrl,
        Duration loginTimeout,
        WarehouseLayout layout) {

    public static final String PREFIX = "fhirpipe.loader.sql.";
    static final String DIALECT = "fhirpipe.loader.dialect";

    public static TSqlSettings from(WarehouseKind kind, LoaderConfig.Sql sql) {
        String dialect = " (required with " + DIALECT + "=" + kind.configName() + ")";
        String jdbcUrl = required(sql.jdbcUrl(), "jdbc-url", dialect);
        try {
            // checks the URL's form and that it carries no credentials
            new SqlServerConnections(jdbcUrl, new SqlAuthentication.SqlPassword("check", ""), Duration.ofSeconds(1));
        } catch (IllegalArgumentException e) {
            throw new WarehouseConfigException(PREFIX + "jdbc-url", PREFIX + "jdbc-url: " + e.getMessage());
        }

        SqlAuthentication authentication;
        String auth = sql.auth().trim().toLowerCase(Locale.ROOT);
        switch (auth) {
            case "sql" -> {
                String user = required(sql.user(), "user", " (required with " + PREFIX + "auth=sql)");
                String password = required(sql.password(), "password", " (required with " + PREFIX + "auth=sql)");
                password = sql.password().get(); // as given: spaces may be part of it
                authentication = new SqlAuthentication.SqlPassword(user, password);
            }
            case "entra" -> {
                DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
                sql.managedIdentityClientId().filter(s -> !s.isBlank()).ifPresent(builder::managedIdentityClientId);
                authentication = new SqlAuthentication.EntraToken(builder.build());
            }
            default ->
                throw new WarehouseConfigException(
                        PREFIX + "auth", PREFIX + "auth=" + sql.auth() + " is not supported; expected sql or entra");
        }

        String storageUrl = required(sql.storageAccountUrl(), "storage-account-url", dialect);
        try {
            StorageLocations.url(
                    storageUrl.endsWith("/") ? storageUrl.substring(0, storageUrl.length() - 1) : storageUrl);
        } catch (IllegalArgumentException e) {
            throw new WarehouseConfigException(
                    PREFIX + "storage-account-url", PREFIX + "storage-account-url: " + e.getMessage());
        }

        boolean fabric = kind == WarehouseKind.FABRIC_WAREHOUSE;
        String credentialName = sql.storageCredential()
                .filter(s -> !s.isBlank())
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .orElse(fabric ? "caller-identity" : "managed-identity");
        StorageCredential credential = switch (credentialName) {
            case "managed-identity" -> {
                if (fabric) {
                    throw new WarehouseConfigException(
                            PREFIX + "storage-credential",
                            PREFIX
                                    + "storage-credential=managed-identity is not available with " + DIALECT
                                    + "=fabric-warehouse (Fabric COPY INTO has no managed identity credential);"
                                    + " use caller-identity or sas");
                }
                yield new StorageCredential.ManagedIdentity();
            }
            case "caller-identity" -> new StorageCredential.CallerIdentity();
            case "sas" -> {
                String token =
                        required(sql.sasToken(), "sas-token", " (required with " + PREFIX + "storage-credential=sas)");
                try {
                    yield new StorageCredential.SharedAccessSignature(token);
                } catch (IllegalArgumentException e) {
                    throw new WarehouseConfigException(PREFIX + "sas-token", PREFIX + "sas-token: " + e.getMessage());
                }
            }
            default ->
                throw new WarehouseConfigException(
                        PREFIX + "storage-credential",
                        PREFIX
                                + "storage-credential=" + credentialName
                                + " is not supported; expected managed-identity, sas or caller-identity");
        };

        WarehouseLayout layout;
        try {
            layout = new WarehouseLayout(sql.rawSchema(), sql.typedSchema(), sql.controlSchema());
        } catch (IllegalArgumentException e) {
            throw new WarehouseConfigException(
                    PREFIX + "raw-schema",
                    PREFIX + "raw-schema / typed-schema / " + "control-schema: " + e.getMessage());
        }
        return new TSqlSettings(kind, jdbcUrl, authentication, credential, storageUrl, sql.loginTimeout(), layout);
    }

    /** Connections as configured. */
    public SqlServerConnections connections() {
        return new SqlServerConnections(jdbcUrl, authentication, loginTimeout);
    }

    private static String required(Optional<String> value, String name, String when) {
        if (value.isEmpty() || value.get().isBlank()) {
            throw new WarehouseConfigException(PREFIX + name, PREFIX + name + " is not set" + when);
        }
        return value.get().trim();
    }

    @Override
    public String toString() {
        return "TSqlSettings[" + kind.configName() + ", " + authentication + ", " + storageCredential + ", "
                + storageAccountUrl + ", " + layout + "]";
    }
}
