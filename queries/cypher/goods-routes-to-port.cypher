// name: goods-routes-to-port
// title: Goods routes into a port of entry
// description: Chains of SHIPPED_TO legs (up to six) that end at the port, start where nothing was
//   shipped in before them, and respect time (each leg on or after the one before, when both are
//   dated): the routes from origin to border, with their shipments and commodities; `graph` is the
//   chain itself (the app draws it). Crossings recorded as a leg that ENTERED_AT the port (not a leg
//   into it) are routes of the Routes tab and `queries.routes.route_chains`, not of this query.
// tags: routes, shipments, ports
// param: port string = "2504" -- Port of entry code, name or id (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (poe:PortOfEntry)
WHERE (poe.code = $port OR poe.id = $port OR toLower(poe.caption) = toLower($port))
  AND ($dataset IS NULL OR poe.dataset = $dataset)
MATCH route = (origin)-[:SHIPPED_TO*1..6]->(poe)
WITH route, origin, relationships(route) AS legs
WHERE all(i IN range(0, size(legs) - 2)
          WHERE legs[i].date IS NULL OR legs[i + 1].date IS NULL OR legs[i].date <= legs[i + 1].date)
  AND NOT EXISTS {
    MATCH ()-[before:SHIPPED_TO]->(origin)
    WHERE before.date IS NULL OR legs[0].date IS NULL OR before.date <= legs[0].date
  }
RETURN origin.caption AS origin, [n IN nodes(route) | n.caption] AS route, size(legs) AS legs,
       legs[0].date AS first_leg, legs[size(legs) - 1].date AS last_leg,
       [r IN legs | r.shipment_id] AS shipments, [r IN legs | r.commodity] AS commodities,
       [r IN legs | r.quantity] AS quantities, route AS graph
ORDER BY legs DESC, first_leg, origin
