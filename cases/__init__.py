"""Use cases: one function for each thing a user asks for, returning a typed result (a dataclass).

The CLI (``chokepoint.cli``) and the Dash app (``chokepoint.app``) both call these and only render what
they return; orchestration (resolving names, projecting, running several queries, combining) lives here.
"""
