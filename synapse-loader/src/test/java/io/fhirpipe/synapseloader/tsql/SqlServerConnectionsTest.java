package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Connection set-up that can be checked without a server: auth wiring, redaction, failures. */
class SqlServerConnectionsTest {

    private static final String URL = "jdbc:sqlserver://ws.sql.azuresynapse.net:1433;"
            + "databaseName=pool1;encrypt=true;trustServerCertificate=false";

    /** A TokenCredential that records the scopes asked for. */
    private static final class FakeCredential implements TokenCredential {
        final List<List<String>> scopes = new ArrayList<>();
        final OffsetDateTime expires = OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.just(getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            scopes.add(request.getScopes());
            return new AccessToken("eyJ.fake.token", expires);
        }
    }

    @Test
    void entraTokensComeFromTheCallbackWithTheDatabaseScope() {
        FakeCredential credential = new FakeCredential();
        SqlServerConnections connections =
                new SqlServerConnections(URL, new SqlAuthentication.EntraToken(credential), Duration.ofSeconds(5));
        SQLServerDataSource ds = connections.dataSource();
        assertThat(ds.getAccessTokenCallback()).isNotNull();
        assertThat(ds.getUser()).isNull();
        SqlAuthenticationToken token = ds.getAccessTokenCallback()
                .getAccessToken("https://database.windows.net/", "https://login.microsoftonline.com/t");
        assertThat(token.getAccessToken()).isEqualTo("eyJ.fake.token");
        assertThat(token.getExpiresOn().toInstant()).isEqualTo(credential.expires.toInstant());
        assertThat(credential.scopes).containsExactly(List.of("https://database.windows.net/.default"));
        assertThat(connections.toString()).doesNotContain("eyJ").contains("EntraToken[FakeCredential]");
    }

    @Test
    void sqlAuthenticationSetsUserAndPasswordButNeverPrintsThePassword() {
        SqlServerConnections connections = new SqlServerConnections(
                URL, new SqlAuthentication.SqlPassword("loader", "S3cret!pw"), Duration.ofSeconds(5));
        SQLServerDataSource ds = connections.dataSource();
        assertThat(ds.getUser()).isEqualTo("loader");
        assertThat(ds.getAccessTokenCallback()).isNull();
        assertThat(connections.toString())
                .doesNotContain("S3cret")
                .contains("loader")
                .contains("databaseName=pool1")
                .contains("encrypt=***");
        assertThat(new SqlAuthentication.SqlPassword("u", "S3cret!pw").toString())
                .doesNotContain("S3cret");
    }

    @Test
    void urlsWithCredentialsOrOtherDriversAreRejectedWithoutEchoingSecrets() {
        assertThatThrownBy(() -> new SqlServerConnections(
                        URL + ";password=S3cret!pw",
                        new SqlAuthentication.SqlPassword("u", "p"),
                        Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("S3cret")
                .hasMessageContaining("must not contain credentials");
        assertThatThrownBy(() -> new SqlServerConnections(
                        URL + ";accessToken=eyJabc",
                        new SqlAuthentication.SqlPassword("u", "p"),
                        Duration.ofSeconds(1)))
                .hasMessageNotContaining("eyJabc");
        assertThatThrownBy(() -> new SqlServerConnections(
                        "jdbc:duckdb:x", new SqlAuthentication.SqlPassword("u", "p"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusedConnectionIsTransientAndItsMessageHasNoSecret() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        SqlServerConnections connections = new SqlServerConnections(
                "jdbc:sqlserver://127.0.0.1:" + port + ";databaseName=pool1;encrypt=false",
                new SqlAuthentication.SqlPassword("loader", "S3cret!pw"),
                Duration.ofSeconds(2));
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, connections::open);
        assertThat(e.getMessage())
                .contains("cannot connect to jdbc:sqlserver://127.0.0.1:" + port + ";databaseName=pool1;encrypt=***")
                .doesNotContain("S3cret");
        assertThat(SqlServerTransientErrors.isTransient(e)).isTrue();
    }
}
