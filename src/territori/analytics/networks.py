"""Networks of organisations (methods.md §9), on igraph and scipy.sparse.

Two-mode data (organisation - network/initiative) is projected to one mode: organisations
linked by shared memberships, weighted by how many they share. Metrics: degree, weighted
degree, betweenness, closeness, density, connected components, communities (Louvain, fixed
seed), Burt's constraint and effective size, and Gould-Fernandez brokerage roles by an
attribute (sector, zona omogenea).

Betweenness and closeness are exact up to `EXACT_LIMIT` organisations; above, they are
estimated from `PIVOTS` sampled sources (fixed seed): betweenness scaled by n/k, closeness as
the inverse of the mean distance from the pivots. `NetworkMetrics.approximate` says which.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

from .panel import FloatArray, IntArray

if TYPE_CHECKING:
    import igraph as ig
    import scipy.sparse as sp
else:
    ig = lazy_module("igraph")
    sp = lazy_module("scipy.sparse")


EXACT_LIMIT = 2000
PIVOTS = 256
SEED = 42
ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


@dataclass(frozen=True, slots=True)
class Projection:
    nodes: list[str]  # organisations, sorted
    weights: sp.csr_matrix  # symmetric, zero diagonal: shared memberships


def project_memberships(memberships: Sequence[tuple[str, str]]) -> Projection:
    """Organisations linked by the networks they share (B Bᵀ without the diagonal)."""
    pairs = sorted(set(memberships))
    organisations = sorted({o for o, _n in pairs})
    networks = sorted({n for _o, n in pairs})
    o_index = {o: i for i, o in enumerate(organisations)}
    n_index = {n: j for j, n in enumerate(networks)}
    rows = np.array([o_index[o] for o, _n in pairs], dtype=np.int64)
    cols = np.array([n_index[n] for _o, n in pairs], dtype=np.int64)
    incidence = sp.csr_matrix(
        (np.ones(len(pairs)), (rows, cols)), shape=(len(organisations), len(networks))
    )
    weights = (incidence @ incidence.T).tocsr()
    weights.setdiag(0)
    weights.eliminate_zeros()
    return Projection(nodes=organisations, weights=weights)


@dataclass(frozen=True, slots=True)
class NetworkMetrics:
    nodes: list[str]
    degree: IntArray
    weighted_degree: FloatArray
    betweenness: FloatArray  # normalised: share of the pairs' shortest paths through the node
    closeness: FloatArray  # inverse mean distance to the nodes it can reach; 0 if isolated
    constraint: FloatArray  # Burt; NaN for an isolated node
    effective_size: FloatArray  # Burt (Borgatti's form): degree - 2 ties among neighbours / degree
    component: IntArray
    community: IntArray
    density: float
    components: int
    approximate: bool


def _graph(weights: sp.csr_matrix) -> ig.Graph:
    upper = sp.triu(weights, 1).tocoo()
    graph = ig.Graph(n=weights.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist())
    graph.es["weight"] = upper.data.astype(float).tolist()
    return graph


def louvain(graph: ig.Graph, *, seed: int = SEED) -> ig.VertexClustering:
    """Louvain communities (weights "weight") with igraph's random numbers seeded."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        return graph.community_multilevel(weights="weight")
    finally:
        ig.set_random_number_generator(random)


def network_metrics(
    projection: Projection,
    *,
    exact_limit: int = EXACT_LIMIT,
    pivots: int = PIVOTS,
    seed: int = SEED,
) -> NetworkMetrics:
    weights = projection.weights
    n = weights.shape[0]
    graph = _graph(weights)
    binary = (weights > 0).astype(np.float64).tocsr()
    degree = np.asarray(binary.sum(axis=1)).ravel().astype(np.int64)
    weighted = np.asarray(weights.sum(axis=1)).ravel().astype(np.float64)
    approximate = n > exact_limit
    pairs = (n - 1) * (n - 2) / 2 if n > 2 else 1.0
    if not approximate:
        betweenness = np.asarray(graph.betweenness(directed=False), dtype=np.float64)
        closeness = np.nan_to_num(np.asarray(graph.closeness(), dtype=np.float64), nan=0.0)
    else:
        sample = sorted(np.random.default_rng(seed).choice(n, size=min(pivots, n), replace=False))
        partial = np.asarray(graph.betweenness(directed=False, sources=sample), dtype=np.float64)
        betweenness = partial * n / len(sample)
        distances = np.asarray(graph.distances(source=sample), dtype=np.float64)
        distances[~np.isfinite(distances)] = np.nan
        distances[distances == 0] = np.nan  # the pivot itself
        reached = np.isfinite(distances).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(distances, axis=0) / reached
        closeness = np.where(np.isfinite(mean) & (mean > 0), 1 / mean, 0.0)
    betweenness = betweenness / pairs
    constraint = np.asarray(graph.constraint(weights="weight"), dtype=np.float64)
    constraint[degree == 0] = np.nan
    triangles_local = (
        np.asarray(graph.transitivity_local_undirected(mode="zero"), dtype=np.float64)
        * degree
        * (degree - 1)
        / 2
    )  # ties among each node's neighbours
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = np.where(degree > 0, degree - 2 * triangles_local / degree, 0.0)
    components = graph.connected_components()
    communities = louvain(graph, seed=seed) if graph.ecount() else None
    community = (
        np.asarray(communities.membership, dtype=np.int64)
        if communities is not None
        else np.arange(n, dtype=np.int64)
    )
    return NetworkMetrics(
        nodes=list(projection.nodes),
        degree=degree,
        weighted_degree=weighted,
        betweenness=betweenness,
        closeness=closeness,
        constraint=constraint,
        effective_size=effective,
        component=np.asarray(components.membership, dtype=np.int64),
        community=community,
        density=float(degree.sum() / (n * (n - 1))) if n > 1 else 0.0,
        components=len(components),
        approximate=approximate,
    )


def brokerage(weights: sp.csr_matrix, groups: Sequence[str]) -> dict[str, IntArray]:
    """Gould-Fernandez brokerage roles of every node by a group attribute.

    For a broker j and two of its neighbours i and k that are not tied to each other, the
    ordered pair (i, k) counts, by the groups of i, j, k: coordinator (all three alike),
    itinerant (i and k alike, j not), gatekeeper (j like k, not i), representative (j like
    i, not k), liaison (all three different). On an undirected graph both orders of an open
    pair count, so a node's gatekeeper and representative counts are equal.
    """
    n = weights.shape[0]
    labels, codes = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    n_groups = len(labels)
    adjacency = (weights > 0).astype(np.float64).tocsr()
    onehot = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, n_groups))
    counts = (adjacency @ onehot).toarray()  # neighbours of each node by group
    pairs = counts[:, :, None] * counts[:, None, :]  # ordered neighbour pairs by groups
    pairs[:, np.arange(n_groups), np.arange(n_groups)] -= counts  # i = k does not count
    closed = np.zeros((n, n_groups, n_groups))
    for a in range(n_groups):
        in_group = sp.diags((codes == a).astype(np.float64))
        common = (adjacency @ in_group @ adjacency).multiply(adjacency).tocsr()
        closed[:, a, :] = (common @ onehot).toarray()
    open_pairs = pairs - closed  # (j, group of i, group of k)
    own = codes
    same_i = np.arange(n_groups)[None, :] == own[:, None]  # (j, a): a is j's group
    a_is_j = same_i[:, :, None]
    b_is_j = same_i[:, None, :]
    a_is_b = np.eye(n_groups, dtype=bool)[None, :, :]
    masks = {
        "coordinator": a_is_j & b_is_j,
        "itinerant": a_is_b & ~a_is_j,
        "gatekeeper": ~a_is_j & b_is_j,
        "representative": a_is_j & ~b_is_j,
        "liaison": ~a_is_b & ~a_is_j & ~b_is_j,
    }
    return {
        role: np.rint((open_pairs * mask).sum(axis=(1, 2))).astype(np.int64)
        for role, mask in masks.items()
    }
