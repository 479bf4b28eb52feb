"""What investigators and analysts ask of the graph, one topic a module (search, paths, routes, centrality,
structure, saved Cypher...): plain functions over a ``Store`` or a projection. Imports ``chokepoint.graph`` only.
"""
