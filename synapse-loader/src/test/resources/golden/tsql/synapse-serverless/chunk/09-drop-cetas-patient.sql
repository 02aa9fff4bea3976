IF OBJECT_ID(N'[fhirpipe].[cetas_c8d45d11b821ebe298d59_patient]') IS NOT NULL DROP EXTERNAL TABLE [fhirpipe].[cetas_c8d45d11b821ebe298d59_patient]
