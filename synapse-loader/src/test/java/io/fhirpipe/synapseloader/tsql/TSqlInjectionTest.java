package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.ViewCompilationException;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile text through every value that reaches the generated T-SQL: resource type, view name,
 * column name, schema, storage URL, chunk path, SAS token are rejected; chunk and export ids
 * (free text by nature) are neutralised by escaping.
 */
class TSqlInjectionTest {

    private static final String URL = "https://acct.blob.core.windows.net/bulk/c.ndjson";

    private static final CopyIntoStatements DEDICATED = new CopyIntoStatements(
            WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), new StorageCredential.ManagedIdentity());
    private static final ServerlessStatements SERVERLESS = new ServerlessStatements(
            WarehouseLayout.defaults(),
            new StorageCredential.ManagedIdentity(),
            "https://acct.dfs.core.windows.net/lake",
            "curated");

    private static ViewDefinition view(String json) {
        return new ViewDefinitionParser().parse(json.replace('`', '"'));
    }

    private static final ViewDefinition PATIENT = view("""
      {`name`:`p`,`resource`:`Patient`,`select`:[{`column`:[{`name`:`id`,`path`:`id`}]}]}""");

    @Test
    void resourceTypeInjectionIsRejected() {
        for (String type : List.of("Patient]; DROP TABLE x; --", "Patient' OR '1'='1", "Pa tient", "Patient;")) {
            assertThatThrownBy(() -> new ChunkToLoad("c1", type, "e1", URL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("resource type");
            assertThatThrownBy(() -> DEDICATED.setup(List.of(), List.of(type)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void viewAndColumnNameInjectionIsRejected() {
        ViewDefinition badView = view("""
        {`name`:`p]; DROP TABLE [raw].[Patient]; --`,`resource`:`Patient`,
         `select`:[{`column`:[{`name`:`id`,`path`:`id`}]}]}""");
        ViewDefinition badColumn = view("""
        {`name`:`p`,`resource`:`Patient`,
         `select`:[{`column`:[{`name`:`id] NVARCHAR(1)); DROP TABLE x; --`,`path`:`id`}]}]}""");
        ChunkToLoad chunk = new ChunkToLoad("c1", "Patient", "e1", URL);
        for (ViewDefinition v : List.of(badView, badColumn)) {
            assertThatThrownBy(() -> DEDICATED.setup(List.of(v), List.of("Patient")))
                    .isInstanceOf(ViewCompilationException.class);
            assertThatThrownBy(() -> DEDICATED.chunk(chunk, List.of(v))).isInstanceOf(ViewCompilationException.class);
            assertThatThrownBy(() -> SERVERLESS.setup(List.of(v), List.of("Patient")))
                    .isInstanceOf(ViewCompilationException.class);
        }
        assertThatThrownBy(() -> new WarehouseLayout("raw]; DROP SCHEMA x; --", "dbo", "f"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storageUrlInjectionIsRejected() {
        for (String url : List.of(
                "https://acct.blob.core.windows.net/bulk/c.ndjson' WITH (FILE_TYPE='CSV'); DROP TABLE x; --",
                "https://acct.blob.core.windows.net/bulk/c d.ndjson",
                "https://acct.blob.core.windows.net/bulk/c.ndjson?sv=1&sig=secret",
                "https://acct'--.blob.core.windows.net/bulk/c.ndjson",
                "file:///etc/passwd",
                "https://acct.blob.core.windows.net/bulk/../other/c.ndjson")) {
            ChunkToLoad chunk = new ChunkToLoad("c1", "Patient", "e1", url);
            assertThatThrownBy(() -> DEDICATED.chunk(chunk, List.of(PATIENT)))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("secret");
        }
        assertThatThrownBy(() -> new ServerlessStatements(
                        WarehouseLayout.defaults(),
                        new StorageCredential.ManagedIdentity(),
                        "https://a.dfs.core.windows.net/x'; --",
                        "curated"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkPathInjectionIsRejected() {
        for (String path : List.of(
                "bulk/c.ndjson', DATA_SOURCE = 'other') AS s; DROP VIEW v; --",
                "/absolute/c.ndjson",
                "bulk/../../secret.ndjson",
                "bulk/c.ndjson\n; DROP TABLE x")) {
            ChunkToLoad chunk = new ChunkToLoad("c1", "Patient", "e1", path);
            assertThatThrownBy(() -> SERVERLESS.chunk(chunk, List.of(PATIENT)))
                    .as(path)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new ServerlessStatements(
                        WarehouseLayout.defaults(),
                        new StorageCredential.ManagedIdentity(),
                        "https://a.dfs.core.windows.net/x",
                        "curated'; DROP TABLE x; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sasTokenInjectionIsRejected() {
        assertThatThrownBy(() ->
                        new StorageCredential.SharedAccessSignature("sv=1&sig=x'), FIELDQUOTE = ''; DROP TABLE x; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("DROP");
    }

    @Test
    void chunkAndExportIdsAreEscapedLiterals() {
        String hostile = "c1'; DROP TABLE [raw].[Patient]; --";
        ChunkToLoad chunk = new ChunkToLoad(hostile, "Patient", "e'1", URL);
        LoadPlan plan = DEDICATED.chunk(chunk, List.of(PATIENT));
        String escaped = "N'c1''; DROP TABLE [raw].[Patient]; --'";
        assertThat(plan.ledgerCheck().sql()).endsWith("[chunk_id] = " + escaped);
        assertThat(plan.transaction().stream()
                        .filter(s -> s.name().equals("insert-raw"))
                        .findFirst()
                        .orElseThrow()
                        .sql())
                .contains("N'e''1', " + escaped + ", c.[resource]");
        // every quote the hostile id brings is doubled: the literal never closes early
        for (SqlStatement s : plan.all()) {
            assertThat(s.sql()).doesNotContain("N'c1'; DROP");
        }
        assertThatThrownBy(() -> new ChunkToLoad("c1\u0000", "Patient", "e", URL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkToLoad("c1", "Patient", "e\r\n1", URL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }
}
