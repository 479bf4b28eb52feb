// name: contacts-of-arrested
// title: Phone contacts of arrested persons
// description: For each person arrested in a seizure, the phones their phones called or were called
//   by (CALLED, either direction), with the contacts' users, the number of calls and how many came
//   after the arrest: leads for the next step.
// tags: seizures, phones, leads
// param: start date = null -- Calls from this day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Calls up to this day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Seizure)-[:ARRESTED]->(p:Person)-[:USES]->(ph:Phone)-[c:CALLED]-(other:Phone)
WHERE ($dataset IS NULL OR s.dataset = $dataset)
  AND ($start IS NULL OR c.date >= $start) AND ($end IS NULL OR c.date <= $end)
  AND NOT (p)-[:USES]->(other)
WITH s, p, ph, other, count(DISTINCT c) AS calls, min(c.date) AS first_call, max(c.date) AS last_call,
     sum(CASE WHEN c.date > s.date THEN 1 ELSE 0 END) AS calls_after_arrest
RETURN p.caption AS arrested, s.seizure_id AS seizure, s.date AS arrested_on, ph.caption AS phone,
       other.caption AS contact, [(u)-[:USES]->(other) | u.caption] AS contact_users, calls, calls_after_arrest,
       first_call, last_call
ORDER BY arrested, calls DESC, contact
