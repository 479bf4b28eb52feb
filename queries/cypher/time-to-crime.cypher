// name: time-to-crime
// title: Firearms with a short time to crime
// description: Recovered firearms whose recovery (the seizure's date) came at most N days after their
//   retail purchase; a short time to crime (under three years) is a standard trafficking indicator
//   in firearm trace reports.
// tags: firearms, traces, metrics
// param: max_days integer = 1095 -- At most this many days from purchase to recovery
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Seizure)-[:SEIZED]->(f:Firearm)<-[b:PURCHASED]-(p:Person)
WHERE b.date IS NOT NULL AND s.date IS NOT NULL AND ($dataset IS NULL OR f.dataset = $dataset)
WITH s, f, p, b, duration.inDays(b.date, s.date).days AS days
WHERE days <= $max_days
RETURN f.serial AS serial, f.make AS make, f.model AS model, p.caption AS purchaser, b.date AS purchased,
       head([(f)-[:TRACED_TO]->(d:Organization) | d.caption]) AS dealer, s.seizure_id AS seizure,
       s.date AS recovered, head([(s)-[:OCCURRED_AT]->(x) | x.caption]) AS recovered_at, days AS time_to_crime_days
ORDER BY time_to_crime_days, serial
