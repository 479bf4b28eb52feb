// name: merge-decisions
// title: Entities merged by analysts
// description: Every recorded merge decision (see docs/resolution.md): which entity was kept and
//   which merged into it, who decided, when and why, and whether it was undone by a split.
// tags: resolution, provenance
// param: status string = null -- active or undone (empty: both)
// param: who string = null -- Only decisions by this person (empty: anyone)
// param: dataset string = null -- Only merges of entities of this dataset (empty: every dataset)

MATCH (d:Decision)
WHERE d.kind = 'merge'
  AND ($status IS NULL OR d.status = $status) AND ($who IS NULL OR d.who = $who)
  AND ($dataset IS NULL OR d.kept STARTS WITH $dataset + ':')
OPTIONAL MATCH (k:Entity {id: d.kept})
RETURN d.id AS decision, d.status AS status, d.label AS label, d.kept_caption AS kept, d.kept AS kept_id,
       d.merged_caption AS merged, d.merged AS merged_id, d.who AS who, d.at AS at, d.why AS why,
       d.undone_by AS undone_by, d.undone_at AS undone_at, d.undo_why AS undo_why, k IS NOT NULL AS kept_exists
ORDER BY at, decision
