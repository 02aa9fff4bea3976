/**
 * The T-SQL warehouse dialects: {@code synapse-dedicated} and {@code fabric-warehouse}
 * ({@link io.fhirpipe.synapseloader.tsql.CopyIntoStatements}: COPY INTO a one-column staging
 * table, OPENJSON ... WITH, latest version wins, typed tables refreshed with the compiled
 * ViewDefinition SQL, ledger row in the same transaction) and {@code synapse-serverless}
 * ({@link io.fhirpipe.synapseloader.tsql.ServerlessStatements}: CETAS per chunk to Parquet under
 * curated/, views over the folders picking the latest version per id).
 *
 * <p>Statement builders are plain Java and emit {@link io.fhirpipe.synapseloader.tsql.LoadPlan}s;
 * {@link io.fhirpipe.synapseloader.tsql.TSqlPlanRunner} runs a plan on an mssql-jdbc connection
 * from {@link io.fhirpipe.synapseloader.tsql.SqlServerConnections} (SQL auth or Entra tokens via
 * the driver's access-token callback); {@link io.fhirpipe.synapseloader.tsql.SqlServerTransientErrors}
 * tells retryable failures from permanent ones. {@link io.fhirpipe.synapseloader.tsql.TSqlWarehouse}
 * puts them behind the loader's {@link io.fhirpipe.synapseloader.warehouse.Warehouse} when
 * {@code fhirpipe.loader.dialect} names a T-SQL dialect. Identifiers are validated (letters, digits,
 * underscore) and bracket-quoted; values that must be literals are validated and escaped.
 *
 * <p>Real data: a line over {@link io.fhirpipe.synapseloader.tsql.TSqlWarehouse#MAX_LINE_BYTES}
 * (COPY INTO's row / cell limit) is diverted to rejected/ by the loader and the warehouse reads the
 * screened copy; Fabric's snapshot-isolation update conflicts and dedicated pools' deadlocks are
 * transient (retried, ledger first); serverless start-up checks its database and UTF-8 collation,
 * creates the master key, and its views declare VARCHAR(MAX) JSON columns.
 *
 * <p>Not verified against a live warehouse here (no Synapse or Fabric is reachable from the build
 * machine): the statements are checked against Microsoft's documented syntax and pinned by golden
 * files; {@code SynapseLiveTest} runs the dedicated dialect when a pool is configured.
 */
package io.fhirpipe.synapseloader.tsql;
