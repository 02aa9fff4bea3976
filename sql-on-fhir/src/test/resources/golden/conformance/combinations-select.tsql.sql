SELECT JSON_VALUE(r.[resource], N'$.id') AS [id] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
