package io.fhirpipe.synapseloader.tsql;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Opens mssql-jdbc connections to Synapse / Fabric / Azure SQL, with SQL authentication or an
 * Entra ID token. Tokens come through the driver's access-token callback
 * ({@link SQLServerDataSource#setAccessTokenCallback}), so the driver asks again whenever it
 * (re)connects and an expired token is never reused.
 *
 * <p>The JDBC URL must not carry credentials (user, password, accessToken, ...): they would end up
 * in logs and exception messages; it is rejected if it does, and {@link #toString()} and errors
 * show the URL with every property value after the server and database names removed.
 */
public final class SqlServerConnections {

    public static final String SCOPE = "https://database.windows.net/.default";

    private static final Pattern SECRET_KEYS =
            Pattern.compile("(?i);\\s*(password|pwd|user|userName|accessToken|aadSecurePrincipalSecret|"
                    + "keyStoreSecret|clientKeyPassword|trustStorePassword)\\s*=");

    private final String jdbcUrl;
    private final SqlAuthentication authentication;
    private final int loginTimeoutSeconds;

    public SqlServerConnections(String jdbcUrl, SqlAuthentication authentication, Duration loginTimeout) {
        if (jdbcUrl == null || !jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlserver://")) {
            throw new IllegalArgumentException("the warehouse JDBC URL must start with jdbc:sqlserver://");
        }
        if (SECRET_KEYS.matcher(jdbcUrl).find()) {
            throw new IllegalArgumentException("the warehouse JDBC URL must not contain credentials (" + redact(jdbcUrl)
                    + "); configure them separately");
        }
        this.jdbcUrl = jdbcUrl;
        this.authentication = authentication;
        this.loginTimeoutSeconds = (int) Math.max(1, loginTimeout.toSeconds());
    }

    /** Entra authentication with DefaultAzureCredential. */
    public static SqlServerConnections withDefaultAzureCredential(String jdbcUrl) {
        return new SqlServerConnections(
                jdbcUrl,
                new SqlAuthentication.EntraToken(new DefaultAzureCredentialBuilder().build()),
                Duration.ofSeconds(30));
    }

    /** The data source, configured but not connected. */
    public SQLServerDataSource dataSource() {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(jdbcUrl);
        ds.setLoginTimeout(loginTimeoutSeconds);
        if (authentication instanceof SqlAuthentication.SqlPassword p) {
            ds.setUser(p.user());
            ds.setPassword(p.password());
        } else if (authentication instanceof SqlAuthentication.EntraToken t) {
            ds.setAccessTokenCallback(tokenCallback(t));
        }
        return ds;
    }

    public Connection open() throws SQLException {
        try {
            return dataSource().getConnection();
        } catch (SQLException e) {
            // the driver's messages name the server and user, never the password or token; the URL
            // is added redacted so an operator can tell which warehouse failed
            throw new SQLException(
                    "cannot connect to " + redact(jdbcUrl) + ": " + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
    }

    /** The callback the driver calls for a token; public for tests. */
    static SQLServerAccessTokenCallback tokenCallback(SqlAuthentication.EntraToken entra) {
        return (spn, stsUrl) -> {
            AccessToken token = entra.credential().getTokenSync(new TokenRequestContext().addScopes(SCOPE));
            if (token == null) {
                throw new IllegalStateException("no Entra token for " + SCOPE);
            }
            return new SqlAuthenticationToken(
                    token.getToken(), token.getExpiresAt().toInstant().toEpochMilli());
        };
    }

    /** The URL with server and database names only. */
    static String redact(String url) {
        int semicolon = url.indexOf(';');
        String base = semicolon < 0 ? url : url.substring(0, semicolon);
        StringBuilder kept = new StringBuilder(base);
        if (semicolon >= 0) {
            for (String part : url.substring(semicolon + 1).split(";")) {
                String key = part.contains("=")
                        ? part.substring(0, part.indexOf('=')).trim()
                        : part.trim();
                if (key.equalsIgnoreCase("databaseName") || key.equalsIgnoreCase("database")) {
                    kept.append(';').append(part.trim());
                } else if (!key.isEmpty()) {
                    kept.append(';').append(key).append("=***");
                }
            }
        }
        return kept.toString();
    }

    @Override
    public String toString() {
        return "SqlServerConnections[" + redact(jdbcUrl) + ", " + authentication + "]";
    }
}
