// name: precursor-volume-by-month
// title: Chemical supplies by chemical and month
// description: A common metric for precursor control: supplies (SUPPLIES) per chemical and calendar
//   month, with the total quantity per unit, the number of suppliers and buyers, and whether the
//   chemical is controlled.
// tags: precursors, suppliers, metrics
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (s)-[r:SUPPLIES]->(buyer)
WHERE r.chemical IS NOT NULL AND ($dataset IS NULL OR r.dataset = $dataset)
  AND ($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end)
WITH r.chemical AS chemical, substring(toString(r.date), 0, 7) AS month, r.unit AS unit,
     sum(coalesce(r.quantity, 0.0)) AS quantity, count(r) AS supplies, count(DISTINCT s) AS suppliers,
     count(DISTINCT buyer) AS buyers, head(collect(r.dataset)) AS dataset
OPTIONAL MATCH (c:Chemical {dataset: dataset}) WHERE toLower(c.caption) = toLower(chemical)
RETURN chemical, c.controlled AS controlled, c.category AS category, month, quantity, unit, supplies,
       suppliers, buyers
ORDER BY month, chemical, unit
