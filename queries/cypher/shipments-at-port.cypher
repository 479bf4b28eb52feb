// name: shipments-at-port
// title: Shipments entering at a port of entry between two days, with total kg
// description: Shipments that entered at the port (ENTERED_AT; its date, else the shipment's),
//   with commodity, quantity, courier and vehicle; every row also carries the total weight in
//   kilograms of all the shipments listed (kg, g and lb converted; other units left out).
// tags: shipments, ports, metrics
// param: port string = "2504" -- Port of entry code, name or id (any case)
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Shipment)-[e:ENTERED_AT]->(poe:PortOfEntry)
WHERE (poe.code = $port OR poe.id = $port OR toLower(poe.caption) = toLower($port))
  AND ($dataset IS NULL OR s.dataset = $dataset)
WITH s, poe, coalesce(e.date, s.date) AS entered
WHERE ($start IS NULL OR entered >= $start) AND ($end IS NULL OR entered <= $end)
WITH s, poe, entered,
     CASE toLower(s.unit) WHEN 'kg' THEN s.quantity WHEN 'g' THEN s.quantity / 1000.0
                          WHEN 'lb' THEN s.quantity * 0.45359237 END AS kg
WITH collect({s: s, poe: poe, entered: entered, kg: kg}) AS shipments, sum(kg) AS total_kg
UNWIND shipments AS row
WITH row.s AS s, row.poe AS poe, row.entered AS entered, row.kg AS kg, total_kg
RETURN s.shipment_id AS shipment, entered, poe.code AS port, s.commodity AS commodity, s.quantity AS quantity,
       s.unit AS unit, s.mode AS mode, kg, total_kg,
       [(s)-[:TRANSPORTED_BY]->(c:Person) | c.caption] AS couriers,
       [(s)-[:TRANSPORTED_BY]->(v:Vehicle) | v.caption] AS vehicles
ORDER BY entered, shipment
