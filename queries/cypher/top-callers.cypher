// name: top-callers
// title: Top callers in a time window
// description: Phones that placed the most calls and messages (CALLED) in the window, with how many
//   distinct phones they reached, the total duration, and who uses them.
// tags: phones, metrics
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: top integer = 10 -- How many phones
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (caller:Phone)-[c:CALLED]->(callee:Phone)
WHERE ($dataset IS NULL OR c.dataset = $dataset)
  AND ($start IS NULL OR c.date >= $start) AND ($end IS NULL OR c.date <= $end)
WITH caller, count(c) AS calls, count(DISTINCT callee) AS contacts, sum(coalesce(c.duration_s, 0)) AS seconds,
     min(c.date) AS first_call, max(c.date) AS last_call
RETURN caller.caption AS phone, [(u)-[:USES]->(caller) | u.caption] AS users, calls, contacts, seconds,
       first_call, last_call
ORDER BY calls DESC, contacts DESC, phone
LIMIT $top
