SELECT COUNT_BIG(*) FROM [fhirpipe].[chunk_ledger] WHERE [chunk_id] = N'export-42/Patient-0001.ndjson'
