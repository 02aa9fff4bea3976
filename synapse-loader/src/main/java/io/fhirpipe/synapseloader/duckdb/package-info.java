/**
 * The DuckDB dialect of the loader ({@code fhirpipe.loader.dialect=duckdb}), the local default.
 *
 * <h2>Flow of one chunk</h2>
 * <ol>
 *   <li>{@code chunk.ready} is decoded (schema-checked); the chunk name must lie in its source
 *       file's folder of the {@code chunks} container of the configured account
 *       ({@link io.fhirpipe.synapseloader.chunk.ChunkBlobPolicy}); nothing is fetched by URL.</li>
 *   <li>Ledger check ({@code fhirpipe_state.chunk_ledger}, key = chunk blob + "#" + SHA-256): a chunk
 *       already loaded is acked without touching any table, and {@code chunk.loaded} is published
 *       again with the ledger's figures (same event id, so broker duplicate detection drops it
 *       where it has that).</li>
 *   <li>Download to a local temporary file; the bytes must hash to the announced SHA-256.</li>
 *   <li>Screen every line (Jackson streaming): lines that cannot load go to
 *       {@code rejected/{chunk stem}.loader-rejected.ndjson}, one JSON object per line with line
 *       number and reason; the others are read by DuckDB in bulk with {@code read_ndjson_objects}.</li>
 *   <li>One transaction: newest version per id within the chunk, minus ids whose stored version
 *       (or tombstone) is as new or newer; those ids' raw rows and typed rows are replaced; the
 *       ledger row and the curated marker are written. Deleted-resource chunks instead remove
 *       rows and write tombstones.</li>
 *   <li>After commit: Parquet snapshots of the affected type's typed tables are uploaded to
 *       {@code curated/{ResourceType}/{view}.parquet}; then {@code chunk.loaded}; then ack.</li>
 * </ol>
 *
 * <h2>Deletes: tombstones</h2>
 * Deleted resources are removed from the raw and typed tables and recorded in
 * {@code fhirpipe_state.deleted_resources (resource_type, id, deleted_at)}. A version whose
 * {@code meta.lastUpdated} is at or before {@code deleted_at} never comes back (an older chunk
 * arriving late); a strictly later one (the id re-created) is loaded and clears the tombstone.
 * {@code deleted_at} is the entry's {@code response.lastModified}, else the Bundle's
 * {@code meta.lastUpdated} or {@code timestamp}, else the load time: Bulk Data deleted files carry
 * no time per entry, and with the load-time fallback a re-created version loaded <em>before</em>
 * the deletion file of an earlier export would be deleted by it (the deletion looks newer).
 */
package io.fhirpipe.synapseloader.duckdb;
