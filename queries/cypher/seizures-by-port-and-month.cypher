// name: seizures-by-port-and-month
// title: Seizures by port of entry and month
// description: A common metric: seizures that occurred at each port of entry, per calendar month,
//   with the weight seized in kilograms (kg, g and lb converted; other units left out), the
//   commodities and the number of arrests.
// tags: seizures, ports, metrics
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Seizure)-[:OCCURRED_AT]->(poe:PortOfEntry)
WHERE ($dataset IS NULL OR s.dataset = $dataset)
  AND ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
WITH poe, s, substring(toString(s.date), 0, 7) AS month,
     CASE toLower(s.unit) WHEN 'kg' THEN s.quantity WHEN 'g' THEN s.quantity / 1000.0
                          WHEN 'lb' THEN s.quantity * 0.45359237 ELSE 0.0 END AS kg
RETURN poe.code AS port, poe.caption AS port_name, month, count(DISTINCT s) AS seizures,
       sum(coalesce(kg, 0.0)) AS kg, collect(DISTINCT s.commodity) AS commodities,
       sum(size([(s)-[:ARRESTED]->(a:Person) | a])) AS arrests
ORDER BY port, month
