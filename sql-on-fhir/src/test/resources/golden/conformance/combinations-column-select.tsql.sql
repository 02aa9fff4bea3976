SELECT JSON_VALUE(r.[resource], N'$.id') AS [column_id], JSON_VALUE(r.[resource], N'$.id') AS [select_id] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
