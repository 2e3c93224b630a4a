"""Fire planning: one call of the intercept search (``samsim.sim.battery._intercept_points``) and of the
whole planning of a unit (``_planned``: the search, the envelope, the end game and the radar's view)
over a batch of tracks around raid-48's S-400 battery (its two missile types).

    .venv/bin/python benchmarks/planning.py [--tracks 150] [--calls 30] [--seed 1]

Three kinds of track, drawn at random around the battery: low cruise missiles (100 m up, 250 m/s,
20-200 km out, a vertical speed error of 20 m/s as a track has), aircraft at 9 km (same otherwise)
and ballistic missiles (15-45 km up, 30-120 km out, diving at 1.2 km/s horizontally and 0.5-1.5 km/s
down). One untimed call compiles and warms; the median of ``--calls`` timed calls is printed per kind
(ms a call), as a Markdown table, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

import samsim
from samsim.sim import battery
from samsim.sim.command_post import BatteryRuntime
from samsim.sim.world import compile_world

ROOT = Path(__file__).resolve().parents[1]


def tracks(rng: np.random.Generator, n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(positions, velocities) of ``n`` tracks of each kind, in the battery's frame."""
    bearing = rng.uniform(0.0, 2.0 * np.pi, n)
    out_m = rng.uniform(20e3, 200e3, n)
    heading = rng.uniform(0.0, 2.0 * np.pi, n)
    level_vel = np.stack([250.0 * np.sin(heading), 250.0 * np.cos(heading), rng.normal(0.0, 20.0, n)], 1)
    low = np.stack([out_m * np.sin(bearing), out_m * np.cos(bearing), np.full(n, 100.0)], 1)
    high = low.copy()
    high[:, 2] = 9_000.0
    out_b = rng.uniform(30e3, 120e3, n)
    ballistic = np.stack([out_b * np.sin(bearing), out_b * np.cos(bearing), rng.uniform(15e3, 45e3, n)], 1)
    dive = np.stack(
        [-1_200.0 * np.sin(bearing), -1_200.0 * np.cos(bearing), -rng.uniform(500.0, 1_500.0, n)], 1
    )
    return {"cruise": (low, level_vel), "aircraft": (high, level_vel.copy()), "ballistic": (ballistic, dive)}


def median_ms(call: object, calls: int) -> float:
    assert callable(call)
    call()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracks", type=int, default=150)
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    world = compile_world(samsim.load(ROOT / "examples" / "raid-48.yaml"))
    plan = BatteryRuntime(world, 0).plan
    rows = []
    for kind, (pos, vel) in tracks(np.random.default_rng(args.seed), args.tracks).items():
        every = np.ones(len(pos), dtype=bool)
        search = median_ms(lambda p=pos, v=vel: battery._intercept_points(plan, p, v), args.calls)
        planned = median_ms(lambda p=pos, v=vel, e=every: battery._planned(plan, p, v, e), args.calls)
        rows.append(
            {"kind": kind, "tracks": len(pos), "search_ms": round(search, 3), "planned_ms": round(planned, 3)}
        )
    print("| tracks | n | intercept search, ms a call | whole planning, ms a call |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['kind']} | {r['tracks']} | {r['search_ms']:.3f} | {r['planned_ms']:.3f} |")
    print(json.dumps({"benchmark": "planning", "types": [w.key for w in plan.types], "rows": rows}))


if __name__ == "__main__":
    main()
