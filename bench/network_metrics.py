"""Benchmark: network metrics of a synthetic atlas (methods.md §9).

Default size: 10,000 organisations in 2,000 networks; each organisation joins 1 + Poisson(1)
networks picked with log-normal weights (sigma 0.6): network sizes from a handful to a few
dozen members, about 20,000 memberships. Prints the time of each step: the
projection to organisations, the metrics (betweenness and closeness estimated from 256
pivots above 2,000 organisations), and the brokerage roles by sector and by zona omogenea.
Then, for scale, the exact betweenness on the same graph.

    python bench/network_metrics.py
    python bench/network_metrics.py --organisations 1000 --networks 200 --exact
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from territori.analytics.networks import brokerage, network_metrics, project_memberships

SECTORS = 11  # the organisation types of the atlas
ZONES = 11  # the zone omogenee


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--networks", type=int, default=2_000)
    parser.add_argument("--exact", action="store_true", help="also time the exact betweenness")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    # Each organisation joins 1 + Poisson(1) networks; networks are picked with log-normal
    # weights (sigma 0.6), so sizes spread from a handful to a few dozen members.
    popularity = rng.lognormal(0, 0.6, args.networks)
    popularity /= popularity.sum()
    memberships = []
    for o in range(args.organisations):
        chosen = rng.choice(args.networks, size=1 + rng.poisson(1.0), replace=False, p=popularity)
        memberships += [(f"org{o}", f"net{n}") for n in chosen]
    sector = {f"org{o}": f"s{rng.integers(SECTORS)}" for o in range(args.organisations)}
    zona = {f"org{o}": f"z{rng.integers(ZONES)}" for o in range(args.organisations)}
    times: dict[str, float] = {}
    start = time.perf_counter()
    projection = project_memberships(memberships)
    times["projection"] = time.perf_counter() - start
    step = time.perf_counter()
    metrics = network_metrics(projection)
    times["metrics"] = time.perf_counter() - step
    step = time.perf_counter()
    brokerage(projection.weights, [sector[o] for o in projection.nodes])
    times["brokerage by sector"] = time.perf_counter() - step
    step = time.perf_counter()
    brokerage(projection.weights, [zona[o] for o in projection.nodes])
    times["brokerage by zona"] = time.perf_counter() - step
    total = time.perf_counter() - start
    ties = projection.weights.nnz // 2
    print(
        f"{len(projection.nodes):,} organisations, {args.networks:,} networks, "
        f"{len(memberships):,} memberships, {ties:,} ties; "
        f"{'estimated' if metrics.approximate else 'exact'} betweenness and closeness"
    )
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds:6.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all: {total:.2f} s wall, peak memory {peak:,.0f} MB")
    if args.exact:
        step = time.perf_counter()
        network_metrics(projection, exact_limit=10**9)
        print(
            f"the same metrics with exact betweenness and closeness: {time.perf_counter() - step:.1f} s"
        )


if __name__ == "__main__":
    main()
