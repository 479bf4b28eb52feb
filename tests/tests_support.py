"""Helpers shared by test modules (not fixtures)."""


def all_commands(group, prefix=()):
    """Every command path of a click/typer group, e.g. ("neo4j", "start")."""
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, (*prefix, name))
