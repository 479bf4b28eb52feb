// name: frequent-crossers
// title: Frequent border crossers in a time window
// description: Persons with at least N crossings at ports of entry (CROSSED_AT) in the window: the
//   ports used, distinct days, first and last crossing, and northbound and southbound counts.
// tags: couriers, crossings, ports
// param: min_crossings integer = 2 -- At least this many crossings
// param: roles string[] = ["courier"] -- Only persons with one of these roles ([] for anyone)
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (p:Person)-[x:CROSSED_AT]->(poe:PortOfEntry)
WHERE ($dataset IS NULL OR x.dataset = $dataset)
  AND ($start IS NULL OR x.date >= $start) AND ($end IS NULL OR x.date <= $end)
  AND (size($roles) = 0 OR any(r IN coalesce(p.roles, []) WHERE r IN $roles))
WITH p, x, poe ORDER BY poe.code
WITH p, count(x) AS crossings, count(DISTINCT x.date) AS days, collect(DISTINCT poe.code) AS ports,
     min(x.date) AS first_crossing, max(x.date) AS last_crossing,
     sum(CASE WHEN toLower(x.direction) STARTS WITH 'north' THEN 1 ELSE 0 END) AS northbound,
     sum(CASE WHEN toLower(x.direction) STARTS WITH 'south' THEN 1 ELSE 0 END) AS southbound
WHERE crossings >= $min_crossings
RETURN p.caption AS person, p.roles AS roles, crossings, days, ports, first_crossing, last_crossing,
       northbound, southbound
ORDER BY crossings DESC, person
