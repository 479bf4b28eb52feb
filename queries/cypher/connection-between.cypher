// name: connection-between
// title: How two entities are connected (shortest path)
// description: The shortest chain of links (at most six, any direction) between two entities,
//   leaving out LOCATED_IN (a shared city says little): who and what sits between them. `graph` is
//   the path itself (the app draws it).
// tags: paths, persons, organizations
// param: from_entity string = "Hubei Jinlong Chemical Co." -- First entity: id, name or alias (any case)
// param: to_entity string = "Luis Ortega" -- Second entity: id, name or alias (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (a:Entity)
WHERE ($dataset IS NULL OR a.dataset = $dataset)
  AND (a.id = $from_entity OR toLower(a.caption) = toLower($from_entity)
       OR any(x IN coalesce(a.aliases, []) WHERE toLower(x) = toLower($from_entity)))
MATCH (b:Entity)
WHERE b <> a AND b.dataset = a.dataset
  AND (b.id = $to_entity OR toLower(b.caption) = toLower($to_entity)
       OR any(x IN coalesce(b.aliases, []) WHERE toLower(x) = toLower($to_entity)))
MATCH route = shortestPath((a)-[:SUPPLIES|OFFERS|SHIPPED_TO|CARRIES|TRANSPORTED_BY|ENTERED_AT|CROSSED_AT|OPERATES|MEMBER_OF|USES|CALLED|SEIZED|ARRESTED|OCCURRED_AT|PURCHASED|SOLD|TRACED_TO|ASSOCIATED_WITH*..6]-(b))
RETURN a.caption AS from_entity, b.caption AS to_entity, length(route) AS hops, [n IN nodes(route) | n.caption] AS path,
       [r IN relationships(route) | type(r)] AS links,
       [n IN nodes(route) | [l IN labels(n) WHERE l <> 'Entity'][0]] AS labels, route AS graph
ORDER BY hops, from_entity, to_entity
