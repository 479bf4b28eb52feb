// name: firearms-by-seizure-place
// title: Seized firearms by place and traced dealer
// description: For a joint report on cross-border firearm seizures: firearms seized in the window,
//   grouped by where they were seized (port of entry or location, with its country) and the dealer
//   their trace led to ("(not traced)" when none).
// tags: firearms, seizures, traces, metrics
// param: start date = null -- First seizure day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last seizure day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Seizure)-[:SEIZED]->(f:Firearm)
WHERE ($dataset IS NULL OR s.dataset = $dataset)
  AND ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
OPTIONAL MATCH (s)-[:OCCURRED_AT]->(place)
WITH s, f, place,
     head([(f)-[t:TRACED_TO]->(d:Organization) WHERE t.trace_id IS NOT NULL OR t.date IS NOT NULL | d.caption]) AS dealer
WITH s, f, place, dealer ORDER BY f.serial
RETURN place.caption AS place, place.country AS country, coalesce(dealer, '(not traced)') AS dealer,
       count(DISTINCT f) AS firearms, count(DISTINCT s) AS seizures, collect(DISTINCT f.serial) AS serials
ORDER BY firearms DESC, place, dealer
