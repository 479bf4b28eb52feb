// name: seizure-details
// title: What a seizure links: items seized, persons arrested, place
// description: Every SEIZED, ARRESTED and OCCURRED_AT link of one seizure event, with quantities.
// tags: seizures
// param: seizure string = "CBP-2024-0312" -- Seizure id as in the records, or entity id
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s:Seizure)
WHERE (s.seizure_id = $seizure OR s.id = $seizure OR toLower(s.caption) = toLower($seizure))
  AND ($dataset IS NULL OR s.dataset = $dataset)
MATCH (s)-[r:SEIZED|ARRESTED|OCCURRED_AT]->(x)
RETURN s.seizure_id AS seizure, s.date AS date, s.agency AS agency, type(r) AS link,
       [l IN labels(x) WHERE l <> 'Entity'][0] AS label, x.caption AS item, r.quantity AS quantity, r.unit AS unit,
       x.id AS id
ORDER BY seizure, link, label, item
