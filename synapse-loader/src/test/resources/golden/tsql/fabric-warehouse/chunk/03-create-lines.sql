CREATE TABLE [fhirpipe].[stg_c8d45d11b821ebe298d59_lines] ([line] VARCHAR(MAX) NULL)
