"""Records into the graph: readers, declarative mappings, normalisation, batched writes, rejects, provenance,
network imports and entity resolution. Imports ``chokepoint.graph`` only.
"""
