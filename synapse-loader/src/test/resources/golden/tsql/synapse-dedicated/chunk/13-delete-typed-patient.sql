DELETE FROM [dbo].[patient] WHERE EXISTS (SELECT 1 FROM [fhirpipe].[stg_c8d45d11b821ebe298d59_rows] AS c WHERE c.[id] = [dbo].[patient].[_resource_key])
