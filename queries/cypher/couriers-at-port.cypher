// name: couriers-at-port
// title: Couriers who crossed at a port of entry in a date range
// description: Persons with the role courier who crossed at the port (CROSSED_AT) between the two
//   days: how often, first and last crossing, directions, and the vehicles they use.
// tags: couriers, ports, crossings
// param: port string = "2504" -- Port of entry code, name or id (any case)
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (p:Person)-[x:CROSSED_AT]->(poe:PortOfEntry)
WHERE 'courier' IN coalesce(p.roles, [])
  AND (poe.code = $port OR poe.id = $port OR toLower(poe.caption) = toLower($port))
  AND ($start IS NULL OR x.date >= $start) AND ($end IS NULL OR x.date <= $end)
  AND ($dataset IS NULL OR x.dataset = $dataset)
WITH p, poe, x ORDER BY x.date
RETURN p.caption AS courier, p.nationality AS nationality, poe.code AS port, poe.caption AS port_name,
       count(x) AS crossings, min(x.date) AS first_crossing, max(x.date) AS last_crossing,
       collect(DISTINCT x.direction) AS directions, [(p)-[:USES]->(v:Vehicle) | v.caption] AS vehicles
ORDER BY crossings DESC, courier
