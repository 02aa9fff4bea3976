SELECT JSON_VALUE(r.[resource], N'$.id') AS [id], TRY_CAST(CONVERT(NVARCHAR(100), 0) AS BIGINT) AS [row_index] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
