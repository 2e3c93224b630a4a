"""GNN per cluster: equal to the brute-force optimum and to linear_sum_assignment on the whole problem."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from samsim.tracking import assign_dense, gnn
from samsim.tracking.association import components

GATE = 3.0


def _objective(track_meas: np.ndarray, dist: dict[tuple[int, int], float]) -> float:
    """Stone Soup's GNN objective: a pairing costs its distance, an unpaired track the gate."""
    return sum(dist[(i, j)] if j >= 0 else GATE for i, j in enumerate(track_meas))


def _brute_force(n: int, m: int, dist: dict[tuple[int, int], float]) -> float:
    best = np.inf
    # each track takes a measurement or none (-1), no measurement twice, only gated pairs
    for choice in itertools.product(range(-1, m), repeat=n):
        taken = [j for j in choice if j >= 0]
        if len(taken) != len(set(taken)) or any(j >= 0 and (i, j) not in dist for i, j in enumerate(choice)):
            continue
        best = min(best, _objective(np.array(choice), dist))
    return best


def _random_pairs(rng: np.random.Generator, n: int, m: int, density: float):
    mask = rng.random((n, m)) < density
    ti, mj = np.nonzero(mask)
    d = rng.uniform(0.0, GATE, len(ti))
    return ti.astype(np.int64), mj.astype(np.int64), d


@pytest.mark.parametrize("seed", range(40))
def test_equals_brute_force_on_small_clusters(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    ti, mj, d = _random_pairs(rng, n, m, 0.6)
    dist = {(int(a), int(b)): float(c) for a, b, c in zip(ti, mj, d, strict=True)}
    got = gnn(n, m, ti, mj, d, GATE)
    taken = got[got >= 0]
    assert len(taken) == len(set(taken.tolist()))
    assert all((i, j) in dist for i, j in enumerate(got) if j >= 0)
    assert _objective(got, dist) == pytest.approx(_brute_force(n, m, dist), abs=1e-12)
    # the SciPy route for every cluster gives the same pairs
    np.testing.assert_array_equal(got, gnn(n, m, ti, mj, d, GATE, max_compiled_cells=0))


@pytest.mark.parametrize("seed", range(10))
def test_equals_linear_sum_assignment_on_the_whole_matrix(seed: int) -> None:
    """Many sparse clusters of all sizes; the peer baseline's dense formulation is the reference."""
    rng = np.random.default_rng(100 + seed)
    n, m = 120, 140
    ti, mj, d = _random_pairs(rng, n, m, 0.02)
    cost = np.zeros((n, m))
    cost[ti, mj] = d - GATE
    rows, cols = linear_sum_assignment(cost)
    want = np.full(n, -1)
    keep = cost[rows, cols] < 0
    want[rows[keep]] = cols[keep]
    for cells in (0, 16, 256, 10**9):
        np.testing.assert_array_equal(gnn(n, m, ti, mj, d, GATE, max_compiled_cells=cells), want)


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (4, 7), (7, 4), (12, 12), (1, 5), (5, 1)])
def test_dense_solver_equals_scipy(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0] * 31 + shape[1])
    for _ in range(20):
        cost = rng.normal(size=shape)
        got = assign_dense(cost)
        rows, cols = linear_sum_assignment(cost)
        want = np.full(shape[0], -1)
        want[rows] = cols
        np.testing.assert_array_equal(got, want)


def test_components_group_the_connected_pairs() -> None:
    # tracks 0-1 share measurement 1; track 2 alone with measurement 3; track 3 with 0 and 4
    ti = np.array([0, 1, 1, 2, 3, 3], dtype=np.int64)
    mj = np.array([1, 1, 2, 3, 0, 4], dtype=np.int64)
    order, starts = components(4, 5, ti, mj)
    groups = [sorted(order[starts[c] : starts[c + 1]].tolist()) for c in range(len(starts) - 1)]
    assert groups == [[0, 1, 2], [3], [4, 5]]


def test_singletons_take_the_nearest() -> None:
    # one track, three gated measurements: the closest; one measurement, two tracks: the closest
    got = gnn(1, 3, np.array([0, 0, 0]), np.array([0, 1, 2]), np.array([2.0, 0.5, 1.0]))
    assert got.tolist() == [1]
    got = gnn(2, 1, np.array([0, 1]), np.array([0, 0]), np.array([1.5, 0.2]))
    assert got.tolist() == [-1, 0]
    assert gnn(3, 2, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)).tolist() == [-1, -1, -1]


def test_miss_cost_trades_against_distance() -> None:
    # two tracks, one contested measurement plus a far one: pairing (0,a),(1,b) costs 2.9 + 2.9 = 5.8,
    # (0,b) alone with track 1 missed costs 0.1 + 3 = 3.1: GNN with gate cost prefers the latter
    got = gnn(2, 2, np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([2.9, 0.1, 2.9]))
    assert got.tolist() == [1, -1]
