package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.DefaultAzureCredentialBuilder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * What the live T-SQL tests share: their credentials from the FHIRPIPE_SYNAPSE_* settings and the
 * queries they check the warehouse with.
 */
final class LiveSql {

    private LiveSql() {}

    static boolean set(String value) {
        return value != null && !value.isBlank();
    }

    /** FHIRPIPE_SYNAPSE_USER / FHIRPIPE_SYNAPSE_PASSWORD, else Entra ID (DefaultAzureCredential). */
    static SqlAuthentication authentication() {
        String user = System.getenv("FHIRPIPE_SYNAPSE_USER");
        return set(user)
                ? new SqlAuthentication.SqlPassword(user, System.getenv("FHIRPIPE_SYNAPSE_PASSWORD"))
                : new SqlAuthentication.EntraToken(new DefaultAzureCredentialBuilder().build());
    }

    /** How the warehouse reads storage: FHIRPIPE_SYNAPSE_SAS, else its managed identity. */
    static StorageCredential storage() {
        String sas = System.getenv("FHIRPIPE_SYNAPSE_SAS");
        return set(sas) ? new StorageCredential.SharedAccessSignature(sas) : new StorageCredential.ManagedIdentity();
    }

    static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    static String text(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    /** Best-effort cleanup: the assertion failure (if any) is the interesting error. */
    static void execQuietly(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (Exception e) {
            // per-run names: a leftover does not disturb the next run
        }
    }
}
