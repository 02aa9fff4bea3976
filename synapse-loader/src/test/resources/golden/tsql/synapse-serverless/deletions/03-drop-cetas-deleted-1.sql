IF OBJECT_ID(N'[fhirpipe].[cetas_ce27351ea673dbb55ef74_deleted_a1_1]') IS NOT NULL DROP EXTERNAL TABLE [fhirpipe].[cetas_ce27351ea673dbb55ef74_deleted_a1_1]
