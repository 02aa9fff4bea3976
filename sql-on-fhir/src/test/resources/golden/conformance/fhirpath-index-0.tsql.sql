SELECT JSON_VALUE(r.[resource], N'$.name[0].family') AS [v] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
