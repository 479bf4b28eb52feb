// name: port-volume-by-month
// title: Shipments and weight entering by port of entry and month
// description: A common metric: shipments that entered at each port of entry (ENTERED_AT; its date,
//   else the shipment's) per calendar month, with kilograms (kg, g and lb converted; other units
//   left out), commodities and couriers.
// tags: shipments, ports, metrics
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Shipment)-[e:ENTERED_AT]->(poe:PortOfEntry)
WHERE $dataset IS NULL OR s.dataset = $dataset
WITH s, poe, coalesce(e.date, s.date) AS entered
WHERE ($start IS NULL OR entered >= $start) AND ($end IS NULL OR entered <= $end)
WITH poe, s, substring(toString(entered), 0, 7) AS month,
     CASE toLower(s.unit) WHEN 'kg' THEN s.quantity WHEN 'g' THEN s.quantity / 1000.0
                          WHEN 'lb' THEN s.quantity * 0.45359237 ELSE 0.0 END AS kg
RETURN poe.code AS port, poe.caption AS port_name, month, count(DISTINCT s) AS shipments,
       sum(coalesce(kg, 0.0)) AS kg, collect(DISTINCT s.commodity) AS commodities,
       size(reduce(acc = [], c IN collect([(s)-[:TRANSPORTED_BY]->(p:Person) | p.caption]) |
                   acc + [x IN c WHERE NOT x IN acc])) AS couriers
ORDER BY port, month
