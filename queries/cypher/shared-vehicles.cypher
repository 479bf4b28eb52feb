// name: shared-vehicles
// title: Vehicles used by more than one courier
// description: Vehicles tied to at least N different persons with one of the roles: a person uses
//   it (USES), moved a shipment with it (both TRANSPORTED_BY the same shipment), or crossed at the
//   same port on the same day as it (CROSSED_AT). The evidence says which.
// tags: vehicles, couriers
// param: min_persons integer = 2 -- At least this many persons
// param: roles string[] = ["courier"] -- Count only persons with one of these roles ([] counts everyone)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (v:Vehicle)
WHERE $dataset IS NULL OR v.dataset = $dataset
CALL {
  WITH v
  MATCH (p:Person)-[:USES]->(v) RETURN p, 'uses it' AS how
  UNION
  WITH v
  MATCH (s:Shipment)-[:TRANSPORTED_BY]->(v), (s)-[:TRANSPORTED_BY]->(p:Person)
  RETURN p, 'shipment ' + s.shipment_id AS how
  UNION
  WITH v
  MATCH (v)-[a:CROSSED_AT]->(poe:PortOfEntry)<-[b:CROSSED_AT]-(p:Person) WHERE a.date = b.date
  RETURN p, 'crossed ' + poe.code + ' on ' + toString(a.date) AS how
}
WITH v, p, how
WHERE size($roles) = 0 OR any(r IN coalesce(p.roles, []) WHERE r IN $roles)
WITH v, p, how ORDER BY p.caption, how
WITH v, p, collect(how) AS hows
ORDER BY p.caption
WITH v, collect(p.caption) AS persons, collect(p.caption + ': ' + reduce(t = head(hows), h IN tail(hows) | t + '; ' + h)) AS evidence
WHERE size(persons) >= $min_persons
RETURN v.caption AS vehicle, v.make AS make, v.model AS model, v.kind AS kind, size(persons) AS n_persons, persons, evidence
ORDER BY n_persons DESC, vehicle
