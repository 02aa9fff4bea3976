package io.fhirpipe.synapseloader.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.tsql.RecordingJdbc;
import io.fhirpipe.synapseloader.tsql.SqlAuthentication;
import io.fhirpipe.synapseloader.tsql.StorageCredential;
import io.fhirpipe.synapseloader.tsql.TSqlWarehouse;
import io.fhirpipe.synapseloader.tsql.WarehouseKind;
import io.fhirpipe.synapseloader.tsql.WarehouseLayout;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fhirpipe.loader.dialect picks the warehouse; a missing or wrong setting stops start-up naming it. */
class WarehousesTest {

    @TempDir
    Path dir;

    final RecordingJdbc jdbc = new RecordingJdbc();
    TSqlSettings connectedWith;

    /** The settings of a T-SQL dialect with SQL authentication, which each test then changes. */
    final Map<String, String> sql = new HashMap<>(Map.of(
            "jdbc-url", "jdbc:sqlserver://ws.sql.azuresynapse.net:1433;databaseName=pool;encrypt=true",
            "user", "loader",
            "password", " pa ss ",
            "storage-account-url", "https://fhirlake.blob.core.windows.net"));

    /** fhirpipe.loader.duckdb.typed and .checkpoint-threshold. */
    String typed = "tables";

    Optional<String> checkpointThreshold = Optional.empty();

    Warehouse open(String dialect) {
        return Warehouses.open(
                new Loader(dialect, dir, sql, typed, checkpointThreshold),
                dir.resolve("work"),
                Optional.of(Set.of("Patient")),
                settings -> {
                    connectedWith = settings;
                    return jdbc;
                },
                new io.fhirpipe.synapseloader.tsql.RecordingStorage());
    }

    @Test
    void duckdbIsTheEmbeddedWarehouse() {
        try (Warehouse w = open("duckdb")) {
            assertThat(w).isInstanceOf(DuckDbWarehouse.class);
        }
        assertThat(dir.resolve("w.duckdb")).exists();
        assertThat(jdbc.opened).isZero();
    }

    @Test
    void duckdbTypedStorageAndCheckpointThresholdComeFromConfiguration() {
        try (Warehouse w = open("duckdb")) {
            assertThat(((DuckDbWarehouse) w).typed()).isEqualTo(TypedStorage.TABLES);
        }
        typed = " Views ";
        checkpointThreshold = Optional.of("256MiB");
        try (Warehouse w = open("duckdb")) {
            DuckDbWarehouse d = (DuckDbWarehouse) w;
            assertThat(d.typed()).isEqualTo(TypedStorage.VIEWS);
            String settings = d.query(c -> {
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT current_setting('checkpoint_threshold'), "
                                + "(SELECT table_type FROM information_schema.tables WHERE table_name = 'patient')")) {
                    rs.next();
                    return rs.getString(1) + " " + rs.getString(2);
                }
            });
            assertThat(settings).isEqualTo("256.0 MiB VIEW");
        }
        typed = "materialized";
        assertConfigError(
                () -> open("duckdb"),
                "fhirpipe.loader.duckdb.typed",
                "fhirpipe.loader.duckdb.typed=materialized is not a typed storage; expected tables or views");
    }

    @ParameterizedTest
    @ValueSource(strings = {"synapse-dedicated", "synapse-serverless", "fabric-warehouse"})
    void eachTSqlDialectBuildsItsWarehouseAndRunsItsSetupAtStartUp(String dialect) {
        if (dialect.equals("fabric-warehouse")) {
            sql.put("storage-credential", "sas");
            sql.put("sas-token", "?sv=2024&sig=abc");
        }
        try (Warehouse w = open(dialect)) {
            assertThat(w)
                    .isInstanceOfSatisfying(
                            TSqlWarehouse.class,
                            t -> assertThat(t.kind().configName()).isEqualTo(dialect));
        }
        String all = String.join("\n", jdbc.statements);
        // serverless checks its database (a user database, UTF-8 collation) before anything else
        assertThat(jdbc.statements.get(dialect.equals("synapse-serverless") ? 2 : 0))
                .isEqualTo("IF SCHEMA_ID(N'raw') IS NULL EXEC(N'CREATE SCHEMA [raw]')");
        switch (dialect) {
            case "synapse-dedicated" ->
                assertThat(all)
                        .contains(
                                "CREATE TABLE [fhirpipe].[chunk_ledger]",
                                "DISTRIBUTION = HASH([id]), HEAP",
                                "CREATE TABLE [raw].[Patient]",
                                "CREATE TABLE [dbo].[patient]")
                        .doesNotContain("EXTERNAL", "[raw].[Observation]");
            case "fabric-warehouse" ->
                assertThat(all)
                        .contains(
                                "CREATE TABLE [fhirpipe].[chunk_ledger]",
                                "CREATE TABLE [raw].[Patient]",
                                "VARCHAR(MAX)")
                        .doesNotContain("DISTRIBUTION", "NVARCHAR", "EXTERNAL");
            default ->
                assertThat(all)
                        .contains(
                                "CREATE EXTERNAL DATA SOURCE [fhirpipe_lake] WITH (LOCATION = "
                                        + "'https://fhirlake.blob.core.windows.net', CREDENTIAL = [fhirpipe_storage])",
                                "CREATE EXTERNAL FILE FORMAT [fhirpipe_parquet]",
                                "CREATE OR ALTER VIEW [raw].[Patient]",
                                "IF DB_NAME() = N'master' THROW",
                                "ALTER DATABASE CURRENT COLLATE Latin1_General_100_BIN2_UTF8",
                                "CREATE MASTER KEY")
                        .doesNotContain("chunk_ledger");
        }
        assertThat(connectedWith.kind()).isEqualTo(Warehouses.kind(dialect));
        assertThat(connectedWith.authentication()).isEqualTo(new SqlAuthentication.SqlPassword("loader", " pa ss "));
        assertThat(connectedWith.layout()).isEqualTo(WarehouseLayout.defaults());
        assertThat(jdbc.opened).isEqualTo(1);
        assertThat(jdbc.closed).isEqualTo(1);
    }

    @Test
    void storageCredentialDefaultsPerDialectAndEntraAuthentication() {
        sql.remove("user");
        sql.remove("password");
        sql.put("auth", "entra");
        sql.put("managed-identity-client-id", "00000000-0000-0000-0000-000000000001");
        TSqlSettings dedicated = TSqlSettings.from(WarehouseKind.SYNAPSE_DEDICATED, new Sql(sql));
        assertThat(dedicated.authentication()).isInstanceOf(SqlAuthentication.EntraToken.class);
        assertThat(dedicated.storageCredential()).isEqualTo(new StorageCredential.ManagedIdentity());
        assertThat(TSqlSettings.from(WarehouseKind.FABRIC_WAREHOUSE, new Sql(sql))
                        .storageCredential())
                .isEqualTo(new StorageCredential.CallerIdentity());
        sql.put("storage-credential", "sas");
        sql.put("sas-token", "sv=2024&sig=TOPSECRET");
        TSqlSettings sas = TSqlSettings.from(WarehouseKind.SYNAPSE_SERVERLESS, new Sql(sql));
        assertThat(sas.storageCredential())
                .isEqualTo(new StorageCredential.SharedAccessSignature("sv=2024&sig=TOPSECRET"));
        assertThat(sas.toString()).doesNotContain("TOPSECRET");
    }

    @Test
    void anUnknownDialectNamesTheProperty() {
        assertConfigError(
                () -> open("snowflake"),
                "fhirpipe.loader.dialect",
                "fhirpipe.loader.dialect=snowflake is not a warehouse dialect; expected one of duckdb, "
                        + "synapse-dedicated, synapse-serverless, fabric-warehouse");
    }

    @Test
    void missingRequiredSettingsNameTheirProperty() {
        sql.remove("jdbc-url");
        assertConfigError(
                () -> open("synapse-dedicated"),
                "fhirpipe.loader.sql.jdbc-url",
                "fhirpipe.loader.sql.jdbc-url is not set (required with fhirpipe.loader.dialect=synapse-dedicated)");
        sql.put("jdbc-url", "jdbc:sqlserver://ws.sql.azuresynapse.net;databaseName=pool");
        sql.remove("user");
        assertConfigError(
                () -> open("synapse-dedicated"),
                "fhirpipe.loader.sql.user",
                "fhirpipe.loader.sql.user is not set (required with fhirpipe.loader.sql.auth=sql)");
        sql.put("user", "loader");
        sql.remove("password");
        assertConfigError(
                () -> open("synapse-serverless"),
                "fhirpipe.loader.sql.password",
                "fhirpipe.loader.sql.password is not set (required with fhirpipe.loader.sql.auth=sql)");
        sql.put("password", "pw");
        sql.remove("storage-account-url");
        assertConfigError(
                () -> open("fabric-warehouse"),
                "fhirpipe.loader.sql.storage-account-url",
                "fhirpipe.loader.sql.storage-account-url is not set (required with "
                        + "fhirpipe.loader.dialect=fabric-warehouse)");
        sql.put("storage-account-url", "https://fhirlake.blob.core.windows.net");
        sql.put("storage-credential", "sas");
        assertConfigError(
                () -> open("synapse-dedicated"),
                "fhirpipe.loader.sql.sas-token",
                "fhirpipe.loader.sql.sas-token is not set (required with fhirpipe.loader.sql.storage-credential=sas)");
        assertThat(jdbc.opened).isZero();
    }

    @Test
    void wrongSettingsNameTheirPropertyWithoutRepeatingSecrets() {
        sql.put("jdbc-url", "jdbc:sqlserver://ws.sql.azuresynapse.net;databaseName=pool;password=Hunter2");
        assertConfigError(() -> open("synapse-dedicated"), "fhirpipe.loader.sql.jdbc-url", null);
        assertThatThrownBy(() -> open("synapse-dedicated")).message().doesNotContain("Hunter2");
        sql.put("jdbc-url", "jdbc:sqlserver://ws.sql.azuresynapse.net;databaseName=pool");

        sql.put("auth", "kerberos");
        assertConfigError(
                () -> open("synapse-dedicated"),
                "fhirpipe.loader.sql.auth",
                "fhirpipe.loader.sql.auth=kerberos is not supported; expected sql or entra");
        sql.put("auth", "sql");

        sql.put("storage-account-url", "https://fhirlake.blob.core.windows.net/?sv=1&sig=LEAK");
        assertConfigError(() -> open("synapse-dedicated"), "fhirpipe.loader.sql.storage-account-url", null);
        assertThatThrownBy(() -> open("synapse-dedicated")).message().doesNotContain("LEAK");
        sql.put("storage-account-url", "https://fhirlake.blob.core.windows.net");

        sql.put("storage-credential", "managed-identity");
        assertConfigError(() -> open("fabric-warehouse"), "fhirpipe.loader.sql.storage-credential", null);
        sql.put("storage-credential", "account-key");
        assertConfigError(
                () -> open("synapse-dedicated"),
                "fhirpipe.loader.sql.storage-credential",
                "fhirpipe.loader.sql.storage-credential=account-key is not supported; expected managed-identity,"
                        + " sas or caller-identity");
        sql.put("storage-credential", "sas");
        sql.put("sas-token", "sv=1&sig=abc'; DROP TABLE x--");
        assertConfigError(() -> open("synapse-dedicated"), "fhirpipe.loader.sql.sas-token", null);
        assertThatThrownBy(() -> open("synapse-dedicated")).message().doesNotContain("DROP TABLE");
        sql.remove("storage-credential");

        sql.put("raw-schema", "raw]; DROP");
        assertConfigError(() -> open("synapse-dedicated"), "fhirpipe.loader.sql.raw-schema", null);
        assertThat(jdbc.opened).isZero();
    }

    private static void assertConfigError(Runnable open, String property, String message) {
        assertThatThrownBy(open::run).isInstanceOfSatisfying(WarehouseConfigException.class, e -> {
            assertThat(e.property()).isEqualTo(property);
            assertThat(e.getMessage()).contains(property);
            if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
            }
        });
    }

    /** LoaderConfig.Loader as SmallRye Config would bind it. */
    record Loader(
            String dialect,
            Path dir,
            Map<String, String> sqlSettings,
            String typed,
            Optional<String> checkpointThreshold)
            implements LoaderConfig.Loader {
        @Override
        public LoaderConfig.Duckdb duckdb() {
            return new LoaderConfig.Duckdb() {
                @Override
                public Path path() {
                    return dir.resolve("w.duckdb");
                }

                @Override
                public Optional<String> memoryLimit() {
                    return Optional.empty();
                }

                @Override
                public Optional<Integer> threads() {
                    return Optional.of(1);
                }

                @Override
                public String typed() {
                    return typed;
                }

                @Override
                public Optional<String> checkpointThreshold() {
                    return checkpointThreshold;
                }
            };
        }

        @Override
        public LoaderConfig.Sql sql() {
            return new Sql(sqlSettings);
        }

        @Override
        public Optional<List<String>> resourceTypes() {
            return Optional.of(List.of("Patient"));
        }

        @Override
        public Optional<Path> viewsDirectory() {
            return Optional.empty();
        }

        @Override
        public Optional<Path> workDirectory() {
            return Optional.empty();
        }

        @Override
        public boolean curatedParquet() {
            return false;
        }

        @Override
        public Duration curatedInterval() {
            return Duration.ZERO;
        }

        /** The mapping's defaults; Warehouses.open does not read them. */
        @Override
        public LoaderConfig.Retry retry() {
            return new LoaderConfig.Retry() {
                @Override
                public int maxAttempts() {
                    return 4;
                }

                @Override
                public Duration minDelay() {
                    return Duration.ofSeconds(1);
                }

                @Override
                public Duration maxDelay() {
                    return Duration.ofSeconds(20);
                }

                @Override
                public Duration maxElapsed() {
                    return Duration.ofSeconds(30);
                }
            };
        }
    }

    /** LoaderConfig.Sql from property names (without the prefix), with the mapping's defaults. */
    record Sql(Map<String, String> p) implements LoaderConfig.Sql {
        private Optional<String> get(String key) {
            return Optional.ofNullable(p.get(key));
        }

        @Override
        public Optional<String> jdbcUrl() {
            return get("jdbc-url");
        }

        @Override
        public String auth() {
            return get("auth").orElse("sql");
        }

        @Override
        public Optional<String> user() {
            return get("user");
        }

        @Override
        public Optional<String> password() {
            return get("password");
        }

        @Override
        public Optional<String> managedIdentityClientId() {
            return get("managed-identity-client-id");
        }

        @Override
        public Optional<String> storageCredential() {
            return get("storage-credential");
        }

        @Override
        public Optional<String> sasToken() {
            return get("sas-token");
        }

        @Override
        public Optional<String> storageAccountUrl() {
            return get("storage-account-url");
        }

        @Override
        public Duration loginTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public String rawSchema() {
            return get("raw-schema").orElse("raw");
        }

        @Override
        public String typedSchema() {
            return get("typed-schema").orElse("dbo");
        }

        @Override
        public String controlSchema() {
            return get("control-schema").orElse("fhirpipe");
        }
    }
}
