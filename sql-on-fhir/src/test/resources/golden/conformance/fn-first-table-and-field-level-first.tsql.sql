SELECT JSON_VALUE(r.[resource], N'$.name[0].given[0]') AS [given] FROM [raw_resources] AS r WHERE JSON_VALUE(r.[resource], N'$.resourceType') = N'Patient'
