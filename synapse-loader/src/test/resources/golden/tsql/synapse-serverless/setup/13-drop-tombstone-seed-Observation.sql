IF OBJECT_ID(N'[fhirpipe].[tombstone_seed_Observation]') IS NOT NULL DROP EXTERNAL TABLE [fhirpipe].[tombstone_seed_Observation]
