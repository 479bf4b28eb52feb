"""The explorer's exports: the stamped subgraph and query-row files of :mod:`chokepoint.cases.graph_files`
(CSV, JSON, GraphML, GEXF, i2 ANX, FollowTheMoney), under the name the panels use."""

from chokepoint.cases.graph_files import *  # noqa: F401,F403
from chokepoint.cases.graph_files import __all__  # noqa: F401
