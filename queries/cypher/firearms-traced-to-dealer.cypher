// name: firearms-traced-to-dealer
// title: Firearms traced to a dealer
// description: Every firearm whose trace led back to the dealer (TRACED_TO with a trace id or date),
//   with its purchaser, the seizure that recovered it and where, and the time to crime (days from
//   the retail purchase to the recovery).
// tags: firearms, traces, dealers
// param: dealer string = "Desert Arms LLC" -- Dealer name, alias or id (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (f:Firearm)-[t:TRACED_TO]->(d:Organization)
WHERE (t.trace_id IS NOT NULL OR t.date IS NOT NULL)
  AND ($dataset IS NULL OR d.dataset = $dataset)
  AND (d.id = $dealer OR toLower(d.caption) = toLower($dealer)
       OR any(a IN coalesce(d.aliases, []) WHERE toLower(a) = toLower($dealer)))
OPTIONAL MATCH (buyer:Person)-[b:PURCHASED]->(f)
OPTIONAL MATCH (s:Seizure)-[:SEIZED]->(f)
OPTIONAL MATCH (s)-[:OCCURRED_AT]->(place)
RETURN d.caption AS dealer, f.serial AS serial, f.make AS make, f.model AS model, f.caliber AS caliber,
       buyer.caption AS purchaser, b.date AS purchased, t.trace_id AS trace_id, t.date AS traced,
       s.seizure_id AS seizure, s.date AS recovered, place.caption AS recovered_at, place.country AS recovery_country,
       CASE WHEN b.date IS NOT NULL AND s.date IS NOT NULL THEN duration.inDays(b.date, s.date).days END
         AS time_to_crime_days
ORDER BY serial, purchased
