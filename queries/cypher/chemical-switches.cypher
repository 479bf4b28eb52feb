// name: chemical-switches
// title: Chemicals switched over time
// description: Buyers whose supplies moved from one chemical to another (the last supply of the
//   first came before the first supply of the next, with no other chemical starting in between),
//   with whether each is controlled: the switch to an unscheduled analogue after a control.
// tags: precursors, suppliers, change
// param: start date = null -- First day, yyyy-mm-dd (empty: no lower bound)
// param: end date = null -- Last day, yyyy-mm-dd (empty: no upper bound)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (supplier)-[r:SUPPLIES]->(buyer)
WHERE r.chemical IS NOT NULL AND r.date IS NOT NULL AND ($dataset IS NULL OR r.dataset = $dataset)
  AND ($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end)
WITH buyer, r.chemical AS chemical, min(r.date) AS first, max(r.date) AS last,
     sum(coalesce(r.quantity, 0.0)) AS quantity, collect(DISTINCT supplier.caption) AS suppliers
WITH buyer, collect({chemical: chemical, first: first, last: last, quantity: quantity, suppliers: suppliers}) AS used
UNWIND used AS before
UNWIND used AS after
WITH buyer, used, before, after
WHERE before.chemical <> after.chemical AND before.last < after.first
  AND none(x IN used WHERE x.chemical <> before.chemical AND x.chemical <> after.chemical
                           AND x.first > before.last AND x.first < after.first)
OPTIONAL MATCH (cb:Chemical {dataset: buyer.dataset}) WHERE toLower(cb.caption) = toLower(before.chemical)
OPTIONAL MATCH (ca:Chemical {dataset: buyer.dataset}) WHERE toLower(ca.caption) = toLower(after.chemical)
RETURN buyer.caption AS buyer, [l IN labels(buyer) WHERE l <> 'Entity'][0] AS buyer_label,
       before.chemical AS from_chemical, cb.controlled AS from_controlled, before.last AS last_supplied,
       before.quantity AS from_quantity, after.chemical AS to_chemical, ca.controlled AS to_controlled,
       after.first AS first_supplied, after.quantity AS to_quantity, before.suppliers AS from_suppliers,
       after.suppliers AS to_suppliers
ORDER BY buyer, first_supplied, to_chemical
