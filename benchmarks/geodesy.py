"""Geodesy on 10^6 points: samsim's closed forms vs pyproj and pymap3d (speed and agreement).

    .venv/bin/python benchmarks/geodesy.py [--points 1000000]

Justifies samsim.geodesy's own ECEF -> geodetic (Heikkinen): as fast as the libraries and exact to
nanometres, where pymap3d's inversion is off by millimetres at high altitude.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from samsim import geodesy as geo

REPEAT = 5


def timed(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[list[float], Any]:
    """Wall-clock seconds of ``repeat`` calls after an untimed one (compilation, caches), and the result;
    the table gives their median and range."""
    times, out = [], fn()
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=1_000_000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n = args.points
    lat = rng.uniform(-89.9, 89.9, n)
    lon = rng.uniform(-180, 180, n)
    alt = rng.uniform(-400, 1.0e6, n)
    rows: list[dict[str, Any]] = []

    t, ecef = timed(lambda: geo.geodetic_to_ecef(lat, lon, alt))
    rows.append({"impl": "samsim", "op": "geodetic->ecef", "seconds": t, "max_err_m": 0.0})
    t, back = timed(lambda: geo.ecef_to_geodetic(ecef))
    err = np.max(np.linalg.norm(geo.geodetic_to_ecef(*back) - ecef, axis=1))
    lat_err = np.max(np.abs(back[0] - lat)) * 111_320.0
    rows.append({"impl": "samsim", "op": "ecef->geodetic", "seconds": t, "max_err_m": max(err, lat_err)})
    try:
        import pymap3d

        t, xyz = timed(lambda: pymap3d.geodetic2ecef(lat, lon, alt))
        err = float(np.max(np.abs(np.stack(xyz, axis=-1) - ecef)))
        rows.append({"impl": "pymap3d", "op": "geodetic->ecef", "seconds": t, "max_err_m": err})
        t, lla = timed(lambda: pymap3d.ecef2geodetic(ecef[:, 0], ecef[:, 1], ecef[:, 2]))
        lat_err = float(np.max(np.abs(lla[0] - lat)) * 111_320.0)
        rows.append({"impl": "pymap3d", "op": "ecef->geodetic", "seconds": t, "max_err_m": lat_err})
    except ImportError:
        print("pymap3d not installed: skipped")
    from pyproj import Transformer

    fwd = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    t, xyz = timed(lambda: fwd.transform(lon, lat, alt))
    rows.append(
        {
            "impl": "pyproj",
            "op": "geodetic->ecef",
            "seconds": t,
            "max_err_m": float(np.max(np.abs(np.stack(xyz, axis=-1) - ecef))),
        }
    )
    inv = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
    t, lla = timed(lambda: inv.transform(ecef[:, 0], ecef[:, 1], ecef[:, 2]))
    rows.append(
        {
            "impl": "pyproj",
            "op": "ecef->geodetic",
            "seconds": t,
            "max_err_m": float(np.max(np.abs(lla[1] - lat)) * 111_320.0),
        }
    )

    print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    head = f"seconds for {n:,} points, median of {REPEAT} (min–max)"
    print(f"| implementation | operation | {head} | max error (m) |")
    print("|---|---|---|---|")
    for r in rows:
        ts = r["seconds"]
        spread = f"{statistics.median(ts):.3f} ({min(ts):.3f}–{max(ts):.3f})"
        print(f"| {r['impl']} | {r['op']} | {spread} | {r['max_err_m']:.2e} |")
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
