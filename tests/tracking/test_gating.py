"""Grid gating returns exactly the pairs of the dense Mahalanobis test."""

import numpy as np
import pytest

from samsim.tracking import gate_pairs


def _spd(rng: np.random.Generator, n: int, m: int, scale: float) -> np.ndarray:
    a = rng.normal(size=(n, m, m)) * scale
    return a @ a.transpose(0, 2, 1) + 0.1 * scale**2 * np.eye(m)


def _dense(pos, pos_cov, z, r, gate):
    m = z.shape[1]
    nu = z[None, :, :] - pos[:, None, :m]
    r3 = r if r.ndim == 3 else r[None]
    s = pos_cov[:, None, :m, :m] + r3[None]
    d2 = np.einsum("tji,tjik,tjk->tj", nu, np.linalg.inv(s), nu)
    ti, mj = np.nonzero(d2 < gate * gate)
    return {(int(a), int(b)): float(np.sqrt(d2[a, b])) for a, b in zip(ti, mj, strict=True)}


@pytest.mark.parametrize("ndim", [2, 3])
@pytest.mark.parametrize("per_meas_r", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grid_gating_equals_dense(ndim: int, per_meas_r: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 150, 180
    pos = rng.uniform(-5000.0, 5000.0, (n, 2 * ndim))
    # a mix of tight, loose and huge gates (tentative tracks have velocity sigma 300 m/s)
    scale = rng.choice([5.0, 50.0, 400.0, 3000.0], size=n)
    pos_cov = np.stack([_spd(rng, 1, 2 * ndim, s)[0] for s in scale])
    near = pos[:100, :ndim] + rng.normal(size=(100, ndim)) * 80.0
    z = np.concatenate([near, rng.uniform(-6000, 6000, (80, ndim))])
    r = _spd(rng, k, ndim, 20.0) if per_meas_r else _spd(rng, 1, ndim, 20.0)[0]
    pt, pm, pdist = gate_pairs(pos, pos_cov, z, r, 3.0)
    got = {(int(a), int(b)): float(c) for a, b, c in zip(pt, pm, pdist, strict=True)}
    want = _dense(pos, pos_cov, z, r, 3.0)
    assert got.keys() == want.keys()
    assert len(want) > 50
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9)


def test_degenerate_layouts() -> None:
    rng = np.random.default_rng(3)
    r = np.eye(2) * 100.0
    pos = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 30.0, 0, 0], [1e7, 1e7, 0, 0], [np.nan, 0.0, 0, 0]])
    cov = np.tile(np.eye(4) * 100.0, (4, 1, 1))
    cov[1] *= 1e300  # a gate wider than the world must not overflow the cell arithmetic
    for z in (
        np.zeros((5, 2)),  # every measurement at one point
        np.column_stack([np.zeros(6), rng.normal(size=6) * 20]),  # on a vertical line
        np.column_stack([rng.normal(size=6) * 20, np.zeros(6)]),  # on a horizontal line
        np.array([[10.0, -5.0]]),  # a single measurement
    ):
        pt, pm, pdist = gate_pairs(pos, cov, z, r, 3.0)
        got = {(int(a), int(b)) for a, b in zip(pt, pm, strict=True)}
        want = set(_dense(pos[:3], cov[:3], z, r, 3.0))
        assert got == want
    empty = gate_pairs(pos, cov, np.zeros((0, 2)), r, 3.0)
    assert all(len(a) == 0 for a in empty)


def test_gate_is_strict_like_stone_soup() -> None:
    # distance exactly at the gate is outside (Stone Soup: distance < missed_distance)
    pos = np.zeros((1, 4))
    cov = np.zeros((1, 4, 4))
    z = np.array([[3.0, 0.0], [2.999999, 0.0]])
    pt, pm, pdist = gate_pairs(pos, cov, z, np.eye(2), 3.0)
    assert pm.tolist() == [1]
    assert pdist[0] == pytest.approx(2.999999)
