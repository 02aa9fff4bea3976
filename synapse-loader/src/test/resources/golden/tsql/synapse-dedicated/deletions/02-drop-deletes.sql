IF OBJECT_ID(N'[fhirpipe].[stg_ce27351ea673dbb55ef74_deletes]', N'U') IS NOT NULL DROP TABLE [fhirpipe].[stg_ce27351ea673dbb55ef74_deletes]
