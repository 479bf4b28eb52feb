// name: labs-overview
// title: Labs: operators, precursors in, product out
// description: Every lab with where it is, who operates it, the supplies it received (chemical and
//   quantity) and the kilograms shipped in and out along SHIPPED_TO legs (kg, g and lb converted).
// tags: labs, precursors
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (lab:Lab)
WHERE $dataset IS NULL OR lab.dataset = $dataset
WITH lab,
     [(lab)<-[r:SUPPLIES]-(s) | {supplier: s.caption, chemical: r.chemical, quantity: r.quantity, unit: r.unit}] AS supplies,
     [(lab)<-[r:SHIPPED_TO]-() | CASE toLower(r.unit) WHEN 'kg' THEN r.quantity WHEN 'g' THEN r.quantity / 1000.0
                                   WHEN 'lb' THEN r.quantity * 0.45359237 ELSE 0.0 END] AS kg_in,
     [(lab)-[r:SHIPPED_TO]->() | CASE toLower(r.unit) WHEN 'kg' THEN r.quantity WHEN 'g' THEN r.quantity / 1000.0
                                   WHEN 'lb' THEN r.quantity * 0.45359237 ELSE 0.0 END] AS kg_out
RETURN lab.caption AS lab, lab.kind AS kind, lab.country AS country,
       [(lab)-[:LOCATED_IN]->(l:Location) | l.caption] AS located_in,
       [(o)-[:OPERATES]->(lab) | o.caption] AS operators,
       [x IN supplies | x.supplier + ': ' + coalesce(x.chemical, '?') + ' ' + coalesce(toString(x.quantity), '?')
                        + ' ' + coalesce(x.unit, '')] AS supplies_in,
       reduce(t = 0.0, q IN kg_in | t + coalesce(q, 0.0)) AS shipped_in_kg, size(kg_out) AS legs_out,
       reduce(t = 0.0, q IN kg_out | t + coalesce(q, 0.0)) AS shipped_out_kg
ORDER BY lab
