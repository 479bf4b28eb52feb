"""Chokepoint's graph layer: the schema, Neo4j access, and projection into networkx.

``graph`` is the only package that imports the Neo4j driver; ``loaders``, ``queries`` and ``app`` go
through :class:`graph.store.Store`.
"""
