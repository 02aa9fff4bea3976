IF OBJECT_ID(N'[fhirpipe].[stg_c8d45d11b821ebe298d59_rows]', N'U') IS NOT NULL DROP TABLE [fhirpipe].[stg_c8d45d11b821ebe298d59_rows]
