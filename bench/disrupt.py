"""Attack curves: the project (queries.disruption) against plain networkx, in one run.

    python bench/disrupt.py                   # 2,000 / ~10,000 both ways, then 10k / ~50k and random runs
    python bench/disrupt.py --steps 5         # shorter curves
    python bench/disrupt.py --skip-big        # leave out the 10k-entity graph
    python bench/disrupt.py --only big|random # one part alone

The algorithm part runs on in-memory graphs (no Neo4j): networkx's ``powerlaw_cluster_graph(n, 5, 0.1,
seed)`` (scale-free with clustering; n = 2,000 gives ~10,000 links, 10,000 gives ~50,000). The
networkx side is what an analyst would write: at every step ``betweenness_centrality`` on what is
left, remove the top entity (ties: the rule of docs/disruption.md, earliest in node order), then
``connected_components`` and ``global_efficiency``. The project's side is
``queries.disruption.attack`` on the same graph (the compiled Brandes with distance sums, recomputed
only in the component that lost the entity). "Curves identical" compares, at every step, the entity
removed, the largest component, the number of components (exactly) and the efficiency (to 1e-9).
Every figure is one run on whatever machine this is.
"""

from __future__ import annotations

import argparse
import time

import networkx as nx

from chokepoint.queries import disruption as dq


def graph(n: int, seed: int) -> nx.Graph:
    return nx.powerlaw_cluster_graph(n, 5, 0.1, seed=seed)


def networkx_attack(g: nx.Graph, steps: int) -> list[tuple]:
    """The sequential betweenness attack in plain networkx: (removed, largest, components, efficiency) per step."""
    g = g.copy()
    curve = []
    for _ in range(steps):
        scores = nx.betweenness_centrality(g)
        scale = max(scores.values()) or 1.0
        top = max(g, key=lambda v: round(scores[v] / scale, dq.TIE_DIGITS))  # first of the best in node order
        g.remove_node(top)
        parts = list(nx.connected_components(g))
        curve.append((top, max((len(p) for p in parts), default=0), len(parts), nx.global_efficiency(g)))
    return curve


def identical(ours: dq.Attack, theirs: list[tuple]) -> bool:
    return len(ours.steps) == len(theirs) and all(
        (s.removed, s.largest, s.components) == t[:3] and abs(s.efficiency - t[3]) <= 1e-9
        for s, t in zip(ours.steps, theirs))


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip-big", action="store_true")
    p.add_argument("--only", choices=("compare", "big", "random"))
    args = p.parse_args()
    parts = {args.only} if args.only else {"compare", "big", "random"} - ({"big"} if args.skip_big else set())

    dq.attack(nx.path_graph(5), "betweenness", 2)   # numba's compiled code loaded (compiled once after install)
    small = graph(2_000, args.seed)
    print(f"graph: {small.number_of_nodes():,} entities, {small.number_of_edges():,} links "
          f"(powerlaw_cluster_graph, seed {args.seed}); {args.steps}-step sequential betweenness attack")
    if "compare" in parts:
        ours, t_ours = timed(dq.attack, small, "betweenness", args.steps)
        print(f"project:  {t_ours:8.2f} s  (queries.disruption.attack, backend {ours.backend})", flush=True)
        theirs, t_nx = timed(networkx_attack, small, args.steps)
        print(f"networkx: {t_nx:8.2f} s  (betweenness_centrality + global_efficiency at every step)")
        same = identical(ours, theirs)
        print(f"ratio networkx / project ({args.steps}-step sequential betweenness attack): {t_nx / t_ours:.1f}x; "
              f"curves identical: {'yes' if same else 'no'}", flush=True)

    if "big" in parts:
        big = graph(10_000, args.seed)
        print(f"graph: {big.number_of_nodes():,} entities, {big.number_of_edges():,} links")
        curve, t_big = timed(dq.attack, big, "betweenness", args.steps)
        print(f"project alone, {args.steps}-step sequential betweenness attack: {t_big:.2f} s "
              f"(largest component {curve.initial.largest:,} -> {curve.steps[-1].largest:,})", flush=True)

    if "random" not in parts:
        return
    net = dq.integer_graph(small)
    band, t_band = timed(dq.random_attack, net, args.steps, runs=args.runs, seed=args.seed, efficiency=False)
    print(f"random attack, {args.runs} runs x {args.steps} steps on {len(net):,} entities (largest component "
          f"and components): {t_band:.2f} s; robustness R {band.robustness_mean:.4f}", flush=True)
    runs = max(1, args.runs // 10)
    _, t_eff = timed(dq.random_attack, net, args.steps, runs=runs, seed=args.seed)
    print(f"random attack with efficiency at every step, {runs} runs x {args.steps} steps: {t_eff:.2f} s "
          f"({t_eff / runs:.2f} s a run)")


if __name__ == "__main__":
    main()
