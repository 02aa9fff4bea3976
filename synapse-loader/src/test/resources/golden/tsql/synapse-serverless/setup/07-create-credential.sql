IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'fhirpipe_storage') CREATE DATABASE SCOPED CREDENTIAL [fhirpipe_storage] WITH IDENTITY = 'Managed Identity'
