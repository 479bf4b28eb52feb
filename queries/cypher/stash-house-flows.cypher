// name: stash-house-flows
// title: Stash houses: what came in, from where, and where it went
// description: Locations of a kind (stash houses by default) with the SHIPPED_TO legs into and out
//   of them: sources, destinations, kilograms in and out (kg, g and lb converted) and the
//   difference still unaccounted for.
// tags: routes, shipments, locations
// param: kind string = "stash_house" -- Location kind (stash_house, market, store, city ...)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (l:Location)
WHERE toLower(l.kind) = toLower($kind) AND ($dataset IS NULL OR l.dataset = $dataset)
OPTIONAL MATCH (src)-[i:SHIPPED_TO]->(l)
WITH l, collect(DISTINCT src.caption) AS received_from, count(i) AS legs_in, min(i.date) AS first_in,
     sum(CASE toLower(i.unit) WHEN 'kg' THEN i.quantity WHEN 'g' THEN i.quantity / 1000.0
                              WHEN 'lb' THEN i.quantity * 0.45359237 ELSE 0.0 END) AS kg_in
OPTIONAL MATCH (l)-[o:SHIPPED_TO]->(dst)
WITH l, received_from, legs_in, first_in, kg_in, collect(DISTINCT dst.caption) AS sent_to, count(o) AS legs_out,
     max(o.date) AS last_out,
     sum(CASE toLower(o.unit) WHEN 'kg' THEN o.quantity WHEN 'g' THEN o.quantity / 1000.0
                              WHEN 'lb' THEN o.quantity * 0.45359237 ELSE 0.0 END) AS kg_out
RETURN l.caption AS location, l.kind AS kind, l.country AS country, received_from, legs_in, kg_in, sent_to,
       legs_out, kg_out, kg_in - kg_out AS kg_unaccounted, first_in, last_out
ORDER BY kg_in DESC, location
