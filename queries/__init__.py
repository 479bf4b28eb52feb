"""What investigators and analysts ask of the graph: plain functions over a :class:`graph.store.Store`."""
