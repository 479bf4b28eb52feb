// name: precursor-suppliers-and-labs
// title: Suppliers of a precursor and the labs within three hops of them
// description: Everyone who offers or supplies the chemical, and every lab their supplies and
//   shipments reach in at most three legs downstream (SUPPLIES and SHIPPED_TO, in the direction the
//   goods moved), nearest first. A supplier that reaches no lab is listed with an empty lab.
// tags: precursors, suppliers, labs
// param: chemical string = "NPP" -- Chemical name, alias, CAS number or id (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (c:Chemical)
WHERE ($dataset IS NULL OR c.dataset = $dataset)
  AND (c.id = $chemical OR c.cas = $chemical OR toLower(c.caption) = toLower($chemical)
       OR any(a IN coalesce(c.aliases, []) WHERE toLower(a) = toLower($chemical)))
WITH c, [toLower(c.caption)] + [a IN coalesce(c.aliases, []) | toLower(a)] AS names
MATCH (s)
WHERE (s:Organization OR s:Person) AND s.dataset = c.dataset
  AND (EXISTS { (s)-[:OFFERS]->(c) }
       OR EXISTS { MATCH (s)-[r:SUPPLIES]->() WHERE toLower(r.chemical) IN names })
OPTIONAL MATCH route = (s)-[:SUPPLIES|SHIPPED_TO*1..3]->(lab:Lab)
RETURN c.caption AS chemical, s.caption AS supplier, [l IN labels(s) WHERE l <> 'Entity'][0] AS supplier_label,
       s.roles AS supplier_roles, s.country AS supplier_country, lab.caption AS lab, lab.kind AS lab_kind,
       lab.country AS lab_country, min(length(route)) AS hops
ORDER BY hops, supplier, lab
