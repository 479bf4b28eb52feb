// name: straw-purchasers
// title: Purchasers with at least N traced firearms
// description: Persons who bought firearms that were later traced (TRACED_TO with a trace id or
//   date), with the count, dealers, serials and purchase dates; flags those already known as straw
//   purchasers. Several traced guns from one buyer is a classic straw-purchase indicator.
// tags: firearms, traces, straw-purchasers
// param: min_traced integer = 2 -- At least this many traced firearms
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (p:Person)-[b:PURCHASED]->(f:Firearm)-[t:TRACED_TO]->(d:Organization)
WHERE (t.trace_id IS NOT NULL OR t.date IS NOT NULL) AND ($dataset IS NULL OR p.dataset = $dataset)
WITH p, b, f, d ORDER BY f.serial
WITH p, count(DISTINCT f) AS traced, collect(DISTINCT f.serial) AS serials, collect(DISTINCT d.caption) AS dealers,
     min(b.date) AS first_purchase, max(b.date) AS last_purchase
WHERE traced >= $min_traced
RETURN p.caption AS purchaser, p.roles AS roles, 'straw_purchaser' IN coalesce(p.roles, []) AS known_straw_purchaser,
       traced, size([(p)-[:PURCHASED]->(g:Firearm) | g]) AS purchased, dealers, serials, first_purchase, last_purchase
ORDER BY traced DESC, purchaser
