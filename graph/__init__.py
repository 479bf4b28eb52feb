"""Ground floor: the schema as data, stable ids, values, the one Neo4j driver (``Store``), projection, the
local Neo4j and the audit log. Imports nothing of Chokepoint's; every other package stands on it.
"""
