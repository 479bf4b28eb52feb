// name: entity-provenance
// title: Load provenance of an entity
// description: Every load (file) that wrote the entity: file, source, SHA-256, status and times,
//   and the rows of that file that name it (its sources). Defend a node with this.
// tags: provenance
// param: entity string = "Luis Ortega" -- Entity id, name or alias (any case)
// param: dataset string = null -- Only this dataset (empty: every dataset)

MATCH (e:Entity)
WHERE ($dataset IS NULL OR e.dataset = $dataset)
  AND (e.id = $entity OR toLower(e.caption) = toLower($entity)
       OR any(a IN coalesce(e.aliases, []) WHERE toLower(a) = toLower($entity)))
UNWIND coalesce(e.loads, []) AS load_id
OPTIONAL MATCH (l:Load {id: load_id})
RETURN e.caption AS entity, [x IN labels(e) WHERE x <> 'Entity'][0] AS label, e.id AS id, load_id AS load,
       l.file AS file, l.source AS source, l.sha256 AS sha256, l.status AS status, l.started AS started,
       l.finished AS finished,
       [s IN coalesce(e.sources, []) WHERE l IS NOT NULL AND (s STARTS WITH l.file + ':' OR s STARTS WITH l.file + '[')]
         AS defining_rows
ORDER BY entity, id, started, file
