"""Global-nearest-neighbour (GNN) association, solved exactly per independent cluster.

Given the gated pairs (track i, measurement j, Mahalanobis distance d_ij < g) from
:mod:`samsim.tracking.gating`, GNN picks the one-to-one pairing that minimises

    sum over paired tracks of d_ij  +  g * (number of unpaired tracks),

the objective of Stone Soup's ``GNNWith2DAssignment`` with ``missed_distance = g`` (a miss costs the
gate). Subtracting the constant ``g * n`` gives the equivalent problem of minimising
``sum (d_ij - g)`` over pairs, every gated pair costing less than zero and every other pairing
costing the same as no pairing; this is the rectangular assignment problem solved by
``scipy.optimize.linear_sum_assignment`` on a matrix of ``d_ij - g`` (zero outside the gate),
keeping pairs of negative cost (Blackman & Popoli 1999, section 6.5).

The problem splits into the connected components of the bipartite graph of gated pairs: no
pairing links two components, so the optimum is the union of the optima of the components
(Blackman & Popoli 1999, section 6.5.4). Components are found by union-find. A component with one
track or one measurement is solved by taking its smallest distance, a component of at most
``max_compiled_cells`` track x measurement cells by a compiled shortest-augmenting-path solver
(Kuhn-Munkres with potentials, the algorithm family of Jonker & Volgenant 1987 and Crouse 2016 that
``linear_sum_assignment`` implements), and larger ones by ``linear_sum_assignment`` itself. All three
give the exact optimum, hence the same pairs as ``linear_sum_assignment`` on the whole matrix
whenever that optimum is unique (it is, almost surely, for continuous distances).

References
----------
S. S. Blackman and R. Popoli, "Design and Analysis of Modern Tracking Systems", Artech House, 1999,
sections 6.5 and 6.5.4.
R. Jonker and A. Volgenant, "A shortest augmenting path algorithm for dense and sparse linear
assignment problems", Computing 38, 1987.
D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE Trans. AES 52(4), 2016.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit
from samsim.tracking.gating import counting_sort

MAX_COMPILED_CELLS = 256
"""Largest component (tracks x measurements) solved by the compiled solver instead of SciPy."""


@njit
def _assign_wide(cost: FloatArray) -> IntArray:
    """Minimum-cost assignment of every row of a (r, c) matrix, r <= c; returns the column of each row.

    Shortest augmenting paths with dual potentials u (rows) and v (columns): each row in turn is
    inserted by a Dijkstra search over reduced costs ``cost - u - v``, after which the duals are
    shifted so that reduced costs stay non-negative (Kuhn 1955; Jonker & Volgenant 1987, section 3).
    Index 0 of the column arrays is a virtual column holding the row being inserted.
    """
    nr, nc = cost.shape
    u = np.zeros(nr + 1)
    v = np.zeros(nc + 1)
    row_of = np.zeros(nc + 1, dtype=np.int64)  # row (1-based) holding each column, 0 = free
    prev = np.zeros(nc + 1, dtype=np.int64)
    dist = np.empty(nc + 1)
    done = np.empty(nc + 1, dtype=np.bool_)
    for row in range(1, nr + 1):
        row_of[0] = row
        col = 0
        dist[:] = math.inf
        done[:] = False
        while True:
            done[col] = True
            i = row_of[col]
            delta = math.inf
            nxt = 0
            for j in range(1, nc + 1):
                if not done[j]:
                    reduced = cost[i - 1, j - 1] - u[i] - v[j]
                    if reduced < dist[j]:
                        dist[j] = reduced
                        prev[j] = col
                    if dist[j] < delta:
                        delta = dist[j]
                        nxt = j
            for j in range(nc + 1):
                if done[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    dist[j] -= delta
            col = nxt
            if row_of[col] == 0:
                break
        # flip the augmenting path back to the virtual column
        while col != 0:
            back = prev[col]
            row_of[col] = row_of[back]
            col = back
    out = np.full(nr, -1, dtype=np.int64)
    for j in range(1, nc + 1):
        if row_of[j] > 0:
            out[row_of[j] - 1] = j - 1
    return out


@njit
def assign_dense(cost: FloatArray) -> IntArray:
    """Exact minimum-cost rectangular assignment; returns the column of each row, -1 if unassigned.

    Every row is assigned when rows <= columns, every column otherwise, as in
    ``scipy.optimize.linear_sum_assignment``.
    """
    nr, nc = cost.shape
    if nr <= nc:
        return _assign_wide(cost)
    col_row = _assign_wide(cost.T.copy())
    out = np.full(nr, -1, dtype=np.int64)
    for j in range(nc):
        out[col_row[j]] = j
    return out


@njit
def _find(parent: IntArray, a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]  # path halving
        a = parent[a]
    return a


@njit
def components(
    n_tracks: int, n_meas: int, pair_track: IntArray, pair_meas: IntArray
) -> tuple[IntArray, IntArray]:
    """Connected components of the bipartite graph of gated pairs, as groups of pairs.

    Returns ``order`` (the pair indices grouped by component, in order of first appearance) and
    ``starts`` (component c holds ``order[starts[c]:starts[c + 1]]``).
    """
    ne = pair_track.shape[0]
    parent = np.arange(n_tracks + n_meas)
    for e in range(ne):
        a = _find(parent, pair_track[e])
        b = _find(parent, n_tracks + pair_meas[e])
        if a != b:
            parent[max(a, b)] = min(a, b)
    label = np.full(n_tracks + n_meas, -1, dtype=np.int64)
    edge_label = np.empty(ne, dtype=np.int64)
    nlab = 0
    for e in range(ne):
        root = _find(parent, pair_track[e])
        if label[root] < 0:
            label[root] = nlab
            nlab += 1
        edge_label[e] = label[root]
    return counting_sort(edge_label, nlab)


@njit
def gnn_compiled(
    n_tracks: int,
    n_meas: int,
    pair_track: IntArray,
    pair_meas: IntArray,
    pair_dist: FloatArray,
    gate: float,
    max_cells: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """GNN over the components small enough for the compiled solvers; the rest are handed back.

    Returns ``track_meas`` (n_tracks,) with the measurement of each paired track or -1, and the
    components left to :func:`scipy.optimize.linear_sum_assignment` as ``order``, ``starts`` of
    their pair indices (see :func:`components`).
    """
    track_meas = np.full(n_tracks, -1, dtype=np.int64)
    order, starts = components(n_tracks, n_meas, pair_track, pair_meas)
    nlab = starts.shape[0] - 1
    local_t = np.full(n_tracks, -1, dtype=np.int64)
    local_m = np.full(n_meas, -1, dtype=np.int64)
    glob_t = np.empty(n_tracks, dtype=np.int64)
    glob_m = np.empty(n_meas, dtype=np.int64)
    big = np.empty(nlab, dtype=np.int64)
    nbig = 0
    for c in range(nlab):
        e0 = starts[c]
        e1 = starts[c + 1]
        nt = 0
        nm = 0
        for k in range(e0, e1):
            e = order[k]
            i = pair_track[e]
            j = pair_meas[e]
            if local_t[i] < 0:
                local_t[i] = nt
                glob_t[nt] = i
                nt += 1
            if local_m[j] < 0:
                local_m[j] = nm
                glob_m[nm] = j
                nm += 1
        if nt == 1 or nm == 1:
            # one track or one measurement: the optimum is the single closest pair
            best = order[e0]
            for k in range(e0 + 1, e1):
                e = order[k]
                if pair_dist[e] < pair_dist[best]:
                    best = e
            track_meas[pair_track[best]] = pair_meas[best]
        elif nt * nm <= max_cells:
            cost = np.zeros((nt, nm))
            for k in range(e0, e1):
                e = order[k]
                cost[local_t[pair_track[e]], local_m[pair_meas[e]]] = pair_dist[e] - gate
            cols = assign_dense(cost)
            for a in range(nt):
                b = cols[a]
                if b >= 0 and cost[a, b] < 0.0:
                    track_meas[glob_t[a]] = glob_m[b]
        else:
            big[nbig] = c
            nbig += 1
        for a in range(nt):
            local_t[glob_t[a]] = -1
        for b in range(nm):
            local_m[glob_m[b]] = -1
    # hand back the large components' pairs, grouped
    big_starts = np.zeros(nbig + 1, dtype=np.int64)
    for a in range(nbig):
        c = big[a]
        big_starts[a + 1] = big_starts[a] + starts[c + 1] - starts[c]
    big_order = np.empty(big_starts[nbig], dtype=np.int64)
    for a in range(nbig):
        c = big[a]
        big_order[big_starts[a] : big_starts[a + 1]] = order[starts[c] : starts[c + 1]]
    return track_meas, big_order, big_starts


def gnn(
    n_tracks: int,
    n_meas: int,
    pair_track: IntArray,
    pair_meas: IntArray,
    pair_dist: FloatArray,
    gate: float = 3.0,
    max_compiled_cells: int = MAX_COMPILED_CELLS,
) -> IntArray:
    """Exact global-nearest-neighbour association of gated pairs, per independent cluster.

    Parameters
    ----------
    n_tracks, n_meas : int
        Numbers of tracks and measurements (the pair indices refer to ``range(n_tracks)`` and
        ``range(n_meas)``).
    pair_track, pair_meas, pair_dist : arrays
        Gated pairs and their Mahalanobis distances, each below ``gate``
        (:func:`samsim.tracking.gating.gate_pairs`).
    gate : float
        Cost of leaving a track unpaired (Stone Soup's ``missed_distance``).
    max_compiled_cells : int
        Clusters of more track x measurement cells go to ``scipy.optimize.linear_sum_assignment``;
        0 sends every cluster with two or more tracks and measurements there.

    Returns
    -------
    (n_tracks,) int64 array
        Measurement index paired with each track, -1 for none.
    """
    pt = np.ascontiguousarray(pair_track, dtype=np.int64)
    pm = np.ascontiguousarray(pair_meas, dtype=np.int64)
    pd = np.ascontiguousarray(pair_dist, dtype=np.float64)
    track_meas, big_order, big_starts = gnn_compiled(
        int(n_tracks), int(n_meas), pt, pm, pd, float(gate), int(max_compiled_cells)
    )
    for a in range(len(big_starts) - 1):
        e = big_order[big_starts[a] : big_starts[a + 1]]
        tracks, ti = np.unique(pt[e], return_inverse=True)
        meas, mi = np.unique(pm[e], return_inverse=True)
        cost = np.zeros((len(tracks), len(meas)))
        cost[ti, mi] = pd[e] - gate
        rows, cols = linear_sum_assignment(cost)
        keep = cost[rows, cols] < 0.0
        track_meas[tracks[rows[keep]]] = meas[cols[keep]]
    return track_meas
