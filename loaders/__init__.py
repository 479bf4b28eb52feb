"""Records into the graph: declarative mappings from tabular files to Chokepoint's schema."""
