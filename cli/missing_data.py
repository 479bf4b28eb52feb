"""The missing-data options (``--missing-nodes``, ``--missing-links``, ``--runs``) that ``centrality``,
``structure key-players|brokers`` and ``disrupt`` share, and how their robustness reports print."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import out

MissingNodes = Annotated[float | None, typer.Option(
    "--missing-nodes", help="Missing data: re-run on thinned copies, each entity missing with this probability "
                            "(0 <= P < 1).")]
MissingLinks = Annotated[float | None, typer.Option(
    "--missing-links", help="Missing data: each linked pair missing with this probability (0 <= Q < 1).")]
Runs = Annotated[int | None, typer.Option(help="Missing data: how many thinned copies (default 100).")]


def thinning(nodes: float | None, links: float | None, runs: int | None, seed: int | None):
    """The :class:`cases.missing_data.Thinning` the options ask for, or None when no missing share is given."""
    from chokepoint.cases.missing_data import Thinning

    if nodes is None and links is None:
        return None
    return Thinning(nodes or 0.0, links or 0.0, 100 if runs is None else runs, seed or 0)


def show(report, as_json: bool = False, as_csv: bool = False) -> None:
    """Print a ``RankRobustness`` or ``FiguresRobustness`` as text, JSON or (figures) CSV."""
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    elif as_csv:
        print(report.csv(), end="")
    elif hasattr(report, "entities"):
        _ranks(report)
    elif hasattr(report, "strategy"):
        _attack(report)
    else:
        _figures(report)
    if not as_json and not as_csv:
        t = report.thinning
        out.print(f"{t.runs} thinned copies: each entity missing with probability {t.nodes:g}, each linked pair "
                  f"with {t.links:g}; run r seeded with {t.seed} + r", highlight=False)


def _ranks(report) -> None:
    t = Table("#", "entity", "label", "score", "rank 5%", "median", "95%", f"in top {report.k}", "present")
    runs = report.thinning.runs
    for s in report.entities:
        cells = ["-" if x is None else f"{x:g}" for x in (s.low, s.median, s.high)]
        t.add_row(str(s.rank), str(s.caption or s.id), str(s.label or ""), f"{s.score:.6g}", *cells,
                  f"{s.in_top:.0%}", f"{s.present}/{runs}")
    out.print(t)
    out.print(f"{report.analysis}: {report.nodes:,} entities, {report.relationships:,} relationships in the full data",
              highlight=False)


def _figures(report) -> None:
    out.print("removed: " + ", ".join(f"{report.captions.get(n) or n} (in {report.present[n]} copies)"
                                      for n in report.removed), highlight=False)
    t = Table("figure", "before", "before: mean [5%, 95%]", "after", "after: mean [5%, 95%]")
    for b, a in zip(report.before, report.after):
        t.add_row(b.figure, f"{b.full:,.6g}", f"{b.mean:,.6g} [{b.low:,.6g}, {b.high:,.6g}]", f"{a.full:,.6g}",
                  f"{a.mean:,.6g} [{a.low:,.6g}, {a.high:,.6g}]")
    out.print(t)
    out.print("on the undirected simple graph of the scope and of each thinned copy", highlight=False)


def _attack(report) -> None:
    t = Table("step", "removed", "score", "step 5%", "median", "95%", "removed in copies", "share",
              "share: mean [5%, 95%]", "components: mean [5%, 95%]")
    for who, row in zip(report.removed, report.steps):
        f = {x.figure: x for x in row}
        share, parts = f["largest_share"], f["components"]
        cells = ["-" if x is None else f"{x:g}" for x in (who.low, who.median, who.high)]
        t.add_row(str(who.rank), str(who.caption or who.id), f"{who.score:.6g}", *cells, f"{who.in_top:.0%}",
                  f"{share.full:.4f}", f"{share.mean:.4f} [{share.low:.4f}, {share.high:.4f}]",
                  f"{parts.mean:.1f} [{parts.low:g}, {parts.high:g}]")
    out.print(t)
    r = report.robustness
    out.print(f"{report.strategy} ({report.mode}{', weighted' if report.weighted else ''}); robustness R "
              f"{r.full:.4f}, over the copies {r.mean:.4f} [{r.low:.4f}, {r.high:.4f}]; shares relative to each "
              "copy's own entities", highlight=False)
