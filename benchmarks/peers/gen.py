"""Deterministic 2-D multi-target data set for the tracking peer benchmark.

Nearly-constant-velocity targets, position-only measurements with Gaussian noise, missed
detections and uniform Poisson clutter, with the settings of the peer recipe described in
docs/performance.md: q = 1 m^2/s^3, 1 s scans, sigma = 10 m, Pd = 0.95, 10 clutter points per scan,
constant target density (the square's side grows as sqrt(N)). The random draws
are made in the recipe's order, so a seed gives the recipe's data set bit for bit.

    python benchmarks/peers/gen.py --targets 50 --scans 100 --seed 1 -o d50.npz

The .npz holds ``times`` (T,) s, ``meas`` (M, 2) m scan by scan, ``meas_scan`` (M,) scan index,
``truth`` (T, N, 4) states [x, vx, y, vy] and ``params`` (JSON of every argument).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DEFAULTS = {"dt": 1.0, "clutter": 10.0, "pd": 0.95, "sigma": 10.0, "q": 1.0}


def generate(
    targets: int,
    scans: int,
    seed: int,
    dt: float = 1.0,
    clutter: float = 10.0,
    pd: float = 0.95,
    sigma: float = 10.0,
    q: float = 1.0,
) -> dict[str, NDArray[np.float64] | NDArray[np.int64]]:
    """Simulate ``scans`` scans of ``targets`` NCV targets (continuous white-noise acceleration q).

    Returns a dict with ``times``, ``meas``, ``meas_scan`` and ``truth`` as described above.
    """
    rng = np.random.default_rng(seed)
    side_m = 5000.0 * np.sqrt(targets)
    start = rng.uniform(-side_m / 2, side_m / 2, (targets, 2))
    speed_mps = rng.uniform(100.0, 300.0, targets)
    heading = rng.uniform(0.0, 2.0 * np.pi, targets)
    # state order [x, vx, y, vy], one 2x2 block per axis (van Loan discretisation of the CWNA model)
    x = np.empty((targets, 4))
    x[:, 0], x[:, 2] = start[:, 0], start[:, 1]
    x[:, 1], x[:, 3] = speed_mps * np.cos(heading), speed_mps * np.sin(heading)
    block_f = np.array([[1.0, dt], [0.0, 1.0]])
    block_q = q * np.array([[dt**3 / 3.0, dt**2 / 2.0], [dt**2 / 2.0, dt]])
    f = np.kron(np.eye(2), block_f)
    chol_q = np.linalg.cholesky(np.kron(np.eye(2), block_q))
    truth, meas, meas_scan = [], [], []
    for k in range(scans):
        if k > 0:
            x = x @ f.T + rng.standard_normal((targets, 4)) @ chol_q.T
        truth.append(x.copy())
        detected = rng.random(targets) < pd
        z = x[detected][:, [0, 2]] + rng.normal(0.0, sigma, (int(detected.sum()), 2))
        n_clutter = rng.poisson(clutter)
        false_z = rng.uniform(-side_m / 2 - 2000.0, side_m / 2 + 2000.0, (n_clutter, 2))
        scan_z = np.vstack([z, false_z])
        meas.append(scan_z[rng.permutation(len(scan_z))])
        meas_scan.append(np.full(len(scan_z), k))
    return {
        "times": np.arange(scans) * dt,
        "meas": np.vstack(meas),
        "meas_scan": np.concatenate(meas_scan),
        "truth": np.stack(truth),
    }


def save(
    path: str | Path, data: dict[str, NDArray[np.float64] | NDArray[np.int64]], params: dict[str, object]
) -> None:
    """Write ``data`` and ``params`` in the recipe's .npz layout."""
    np.savez(path, **data, params=json.dumps(params))  # type: ignore[arg-type]


def load(path: str | Path) -> tuple[dict[str, NDArray[np.float64]], dict[str, float]]:
    """Read a recipe .npz: the arrays and the generator's parameters."""
    with np.load(path) as d:
        data = {k: d[k] for k in ("times", "meas", "meas_scan", "truth")}
        params = json.loads(str(d["params"]))
    return data, params


def scans_of(data: dict[str, NDArray[np.float64]]) -> list[NDArray[np.float64]]:
    """The measurements of each scan, (m_k, 2) arrays in file order."""
    meas, scan = data["meas"], data["meas_scan"]
    order = np.argsort(scan, kind="stable")
    bounds = np.searchsorted(scan[order], np.arange(len(data["times"]) + 1))
    return [np.ascontiguousarray(meas[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=10)
    ap.add_argument("--scans", type=int, default=100)
    ap.add_argument("--dt", type=float, default=DEFAULTS["dt"])
    ap.add_argument("--clutter", type=float, default=DEFAULTS["clutter"], help="mean false points per scan")
    ap.add_argument("--pd", type=float, default=DEFAULTS["pd"])
    ap.add_argument("--sigma", type=float, default=DEFAULTS["sigma"], help="measurement noise, m")
    ap.add_argument("--q", type=float, default=DEFAULTS["q"], help="process noise intensity, m^2/s^3")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", default="data.npz")
    a = ap.parse_args()
    out = generate(a.targets, a.scans, a.seed, a.dt, a.clutter, a.pd, a.sigma, a.q)
    save(a.out, out, vars(a))
    print(f"{a.out}: {len(out['times'])} scans, {len(out['meas'])} measurements, {a.targets} targets")
