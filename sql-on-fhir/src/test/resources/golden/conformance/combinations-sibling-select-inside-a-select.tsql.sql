SELECT JSON_VALUE(r.[resource], N'$.id') AS [id_1], JSON_VALUE(r.[resource], N'$.id') AS [id_2] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
