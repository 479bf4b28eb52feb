// name: load-history
// title: Files loaded, with their hashes and counts
// description: Every recorded load (one per file): dataset, file, source, SHA-256, status (a load
//   still 'running' was interrupted), times and row, node and relationship counts.
// tags: provenance, loads
// param: dataset string = null -- Only this dataset (empty: every dataset)
// param: status string = null -- running or complete (empty: both)

MATCH (l:Load)
WHERE ($dataset IS NULL OR l.dataset = $dataset) AND ($status IS NULL OR l.status = $status)
RETURN l.dataset AS dataset, l.file AS file, l.source AS source, l.status AS status, l.started AS started,
       l.finished AS finished, l.rows_read AS rows_read, l.rows_loaded AS rows_loaded,
       l.rows_rejected AS rows_rejected, l.nodes_created AS nodes_created,
       l.relationships_created AS relationships_created, l.sha256 AS sha256, l.id AS load
ORDER BY started, file
