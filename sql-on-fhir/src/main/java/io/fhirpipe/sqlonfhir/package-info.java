/**
 * SQL on FHIR v2 ViewDefinitions compiled to warehouse SQL.
 *
 * <ul>
 *   <li>{@code model} — the parsed ViewDefinition (records)</li>
 *   <li>{@code parse} — JSON to model</li>
 *   <li>{@code fhirpath} — the supported FHIRPath subset: parser and dialect-neutral plan</li>
 *   <li>{@code sql} — dialects (DuckDB, T-SQL) and the view compiler</li>
 *   <li>{@code defaults} — shipped views and the catalog a loader compiles at start-up</li>
 * </ul>
 */
package io.fhirpipe.sqlonfhir;
