// name: common-contacts
// title: Phones in contact with both of two persons
// description: Third phones that called, or were called by, a phone of each person (CALLED in
//   either direction), with their users and the number of calls with each side.
// tags: phones, persons
// param: person_a string = "Marta Ruiz" -- First person: name, alias or id (any case)
// param: person_b string = "Jorge Peña" -- Second person: name, alias or id (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (a:Person)
WHERE ($dataset IS NULL OR a.dataset = $dataset)
  AND (a.id = $person_a OR toLower(a.caption) = toLower($person_a)
       OR any(x IN coalesce(a.aliases, []) WHERE toLower(x) = toLower($person_a)))
MATCH (b:Person)
WHERE b <> a AND ($dataset IS NULL OR b.dataset = $dataset)
  AND (b.id = $person_b OR toLower(b.caption) = toLower($person_b)
       OR any(x IN coalesce(b.aliases, []) WHERE toLower(x) = toLower($person_b)))
MATCH (a)-[:USES]->(pa:Phone)-[ca:CALLED]-(contact:Phone)-[cb:CALLED]-(pb:Phone)<-[:USES]-(b)
WHERE NOT (a)-[:USES]->(contact) AND NOT (b)-[:USES]->(contact)
WITH a, b, contact, count(DISTINCT ca) AS calls_with_a, count(DISTINCT cb) AS calls_with_b,
     min(ca.date) AS first_with_a, min(cb.date) AS first_with_b
RETURN a.caption AS person_a, b.caption AS person_b, contact.caption AS contact,
       [(u)-[:USES]->(contact) | u.caption] AS contact_users, calls_with_a, calls_with_b, first_with_a, first_with_b
ORDER BY calls_with_a + calls_with_b DESC, contact
