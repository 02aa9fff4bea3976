CREATE TABLE [fhirpipe].[stg_ce27351ea673dbb55ef74_deletes] ([id] NVARCHAR(64) NOT NULL, [deleted_at] DATETIME2(6) NOT NULL) WITH (DISTRIBUTION = HASH([id]), HEAP)
