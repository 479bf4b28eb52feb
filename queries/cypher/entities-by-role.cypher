// name: entities-by-role
// title: Persons and organisations with a role
// description: Every Person or Organization whose roles include the role (courier, broker,
//   supplier, front_company, firearms_dealer, straw_purchaser ...), with their memberships, places
//   and phones.
// tags: persons, organizations, roles
// param: role string = "courier" -- Role (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (e)
WHERE (e:Person OR e:Organization) AND ($dataset IS NULL OR e.dataset = $dataset)
  AND any(r IN coalesce(e.roles, []) WHERE toLower(r) = toLower($role))
RETURN e.caption AS name, [l IN labels(e) WHERE l <> 'Entity'][0] AS label, e.roles AS roles,
       [(e)-[m:MEMBER_OF]->(o:Organization) | o.caption + coalesce(' (' + m.role + ')', '')] AS member_of,
       [(e)-[:LOCATED_IN]->(l:Location) | l.caption] AS located_in,
       [(e)-[:USES]->(ph:Phone) | ph.caption] AS phones, e.id AS id
ORDER BY label, name
