// name: shared-directors
// title: Organisations sharing a director
// description: Pairs of organisations with the same person in the given membership role
//   (MEMBER_OF.role, any case), a mark of front companies run by one hand.
// tags: organizations, front-companies
// param: role string = "director" -- Membership role that counts (MEMBER_OF.role)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (a:Organization)<-[ma:MEMBER_OF]-(p:Person)-[mb:MEMBER_OF]->(b:Organization)
WHERE a.id < b.id AND toLower(ma.role) = toLower($role) AND toLower(mb.role) = toLower($role)
  AND ($dataset IS NULL OR p.dataset = $dataset)
WITH a, b, p ORDER BY p.caption
RETURN a.caption AS organization_a, a.roles AS roles_a, b.caption AS organization_b, b.roles AS roles_b,
       count(DISTINCT p) AS shared, collect(DISTINCT p.caption) AS persons
ORDER BY shared DESC, organization_a, organization_b
