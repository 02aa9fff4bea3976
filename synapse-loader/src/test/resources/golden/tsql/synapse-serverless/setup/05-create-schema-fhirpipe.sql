IF SCHEMA_ID(N'fhirpipe') IS NULL EXEC(N'CREATE SCHEMA [fhirpipe]')
