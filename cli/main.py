"""The ``chokepoint`` console script: every topic's commands on one root, errors as one line."""

from __future__ import annotations

import sys

from rich.text import Text

from chokepoint.cli import analyse, database, datasets, export, loading, query, serve, training  # noqa: F401  (they register)
from chokepoint.cli.base import app, err
from chokepoint.graph.errors import ChokepointError

__all__ = ["app", "main"]

# `chokepoint --help` lists the commands, then the groups, in this order (the order of the README)
COMMANDS = ["status", "load", "generate", "path", "routes", "disrupt", "centrality", "structure", "import-network",
            "cypher", "export", "serve"]
GROUPS = ["neo4j", "schema", "mapping", "resolve", "datasets", "loads", "train", "query", "users"]
app.registered_commands.sort(key=lambda c: COMMANDS.index(c.name))
app.registered_groups.sort(key=lambda g: GROUPS.index(g.name))


def main() -> None:
    try:
        app()
    except ChokepointError as e:
        # one line, never wrapped, and plain text: a message may quote a cell such as "[/x]", not markup
        message = " ".join(str(e).splitlines())
        err.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True, highlight=False)
        sys.exit(1)
    except (MemoryError, RecursionError) as e:  # past the loaders' limits (docs/security.md): still one line
        what = "nested too deeply" if isinstance(e, RecursionError) else "out of memory"
        err.print(Text.assemble(("error:", "bold red"), f" {what} ({type(e).__name__}); nothing more was done"),
                  soft_wrap=True, highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
