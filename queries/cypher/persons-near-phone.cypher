// name: persons-near-phone
// title: Persons linked to a phone within N hops
// description: Persons reachable from the phone through calls (CALLED, either direction) and phone
//   use (USES), passing through phones and persons only, with the fewest hops needed (at most 4).
// tags: phones, persons
// param: phone string = "+526671112233" -- Phone number (spaces, dashes, brackets and dots are ignored) or id
// param: hops integer = 2 -- At most this many links away (1 to 4)
// param: dataset string = null -- Only this dataset (empty: every dataset)

WITH reduce(s = $phone, ch IN [' ', '-', '(', ')', '.'] | replace(s, ch, '')) AS wanted
MATCH (ph:Phone)
WHERE (ph.id = $phone OR ph.number = wanted OR ph.number = '+' + wanted OR $phone IN coalesce(ph.aliases, []))
  AND ($dataset IS NULL OR ph.dataset = $dataset)
MATCH route = (ph)-[:CALLED|USES*1..4]-(person:Person)
WHERE length(route) <= $hops AND all(n IN nodes(route) WHERE n:Phone OR n:Person)
RETURN ph.caption AS phone, person.caption AS person, person.roles AS roles, min(length(route)) AS hops
ORDER BY hops, person
