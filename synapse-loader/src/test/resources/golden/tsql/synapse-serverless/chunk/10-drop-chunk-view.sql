IF OBJECT_ID(N'[fhirpipe].[chunk_c8d45d11b821ebe298d59]', N'V') IS NOT NULL DROP VIEW [fhirpipe].[chunk_c8d45d11b821ebe298d59]
