package io.fhirpipe.e2e;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Rows per resource type in the warehouse's raw tables ({@code [raw].[Type]}: a table on a dedicated pool
 * and in Fabric, a view over the Parquet folders on serverless; one row per resource, its latest version,
 * as synapse-loader's WarehouseLayout says), with an Entra token as the loader itself connects.
 */
record WarehouseCounts(String jdbcUrl, String rawSchema, TokenCredential credential) {

    static final String SCOPE = "https://database.windows.net/.default";
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    /** The raw rows of {@code type}, or 0 when the loader has not created its table (nothing of it loaded). */
    long rows(Connection c, String type) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT OBJECT_ID(?)")) {
            exists.setString(1, rawTable(rawSchema, type));
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (rs.getObject(1) == null) {
                    return 0;
                }
            }
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT_BIG(*) FROM " + rawTable(rawSchema, type))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Connection open() throws SQLException {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(jdbcUrl);
        ds.setLoginTimeout(60);
        // asked on each (re)connect, so an expired token is never reused
        ds.setAccessTokenCallback((spn, stsUrl) -> {
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
            return new SqlAuthenticationToken(
                    token.getToken(), token.getExpiresAt().toInstant().toEpochMilli());
        });
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            // the driver names server and user, never the token; the URL's properties are left out anyway
            throw new SQLException(
                    "cannot connect to " + server(jdbcUrl) + ": " + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
    }

    /** {@code [schema].[Type]}; the type is checked, so nothing but a resource type name reaches the SQL. */
    static String rawTable(String schema, String type) {
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("not a resource type: " + type);
        }
        return "[" + schema.replace("]", "]]") + "].[" + type + "]";
    }

    /** The URL up to its first property: server and port only. */
    static String server(String jdbcUrl) {
        int semicolon = jdbcUrl.indexOf(';');
        return semicolon < 0 ? jdbcUrl : jdbcUrl.substring(0, semicolon);
    }
}
