// name: organization-members
// title: Members of an organisation with their phones and vehicles
// description: Everyone with a MEMBER_OF link to the organisation: membership role, roles, and the
//   phones, vehicles and places tied to them.
// tags: organizations, persons
// param: organization string = "Grupo Delta" -- Organisation name, alias or id (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (o:Organization)
WHERE ($dataset IS NULL OR o.dataset = $dataset)
  AND (o.id = $organization OR toLower(o.caption) = toLower($organization)
       OR any(a IN coalesce(o.aliases, []) WHERE toLower(a) = toLower($organization)))
MATCH (p:Person)-[m:MEMBER_OF]->(o)
RETURN o.caption AS organization, p.caption AS member, m.role AS membership_role, p.roles AS roles,
       [(p)-[:USES]->(ph:Phone) | ph.caption] AS phones, [(p)-[:USES]->(v:Vehicle) | v.caption] AS vehicles,
       [(p)-[:LOCATED_IN]->(l:Location) | l.caption] AS located_in
ORDER BY organization, membership_role, member
