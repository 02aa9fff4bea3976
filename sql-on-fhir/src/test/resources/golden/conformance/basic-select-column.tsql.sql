SELECT JSON_VALUE(r.[resource], N'$.id') AS [c_id], JSON_VALUE(r.[resource], N'$.id') AS [s_id] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
