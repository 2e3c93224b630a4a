"""Eight S-400 batteries on a ring around Ankara against the raid-48 threat mix eight times over.

    .venv/bin/python benchmarks/network_ring.py [--runs 3] [--batteries 8] [--radius-km 60]

The scenario is built from examples/raid-48.yaml: its assets, its threats repeated eight times (copy
k starts 15 k seconds later and has ids suffixed ``.k``; 384 threats over 20 minutes), and eight
S-400 batteries (the template's radars and launchers) evenly spaced on a ring of the given radius
around the city. Prints, per replication and as medians: distinct threats engaged, kills, leaks,
interceptors fired, interceptors per kill and the wall time; then the same for raid-48 itself.
Measures issue 13's claim: one integrated defence (the default) against batteries fighting as
islands (``--autonomous`` gives every battery ``command: autonomous``).

A second table says where the interceptors went, per kill (medians; the causes add up to the
interceptors per kill): the one that killed; its salvo partner, destroyed with the target; an
end-game miss (the warhead's draw at the closest approach); no intercept (ground impact, end-game
criterion failed, fuze timer, scenario ended); fired at a threat already dead; a second salvo at a
threat another salvo was still flying at, at the same track or, after the first track was deleted or
while it was still held, at another; and fired at a false track.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

import samsim
from samsim.output.result import InterceptorOutcome

ROOT = Path(__file__).resolve().parents[1]
RAID = ROOT / "examples" / "raid-48.yaml"
ANKARA = (39.93, 32.86)


def ring_scenario(batteries: int, radius_km: float, copies: int, autonomous: bool) -> dict[str, Any]:
    """The ring scenario as scenario data (see the module docstring)."""
    raid = yaml.safe_load(RAID.read_text())
    lat0, lon0 = ANKARA
    sites = []
    for k in range(batteries):
        bearing = 2.0 * math.pi * k / batteries
        dlat = radius_km * math.cos(bearing) / 111.2
        dlon = radius_km * math.sin(bearing) / (111.2 * math.cos(math.radians(lat0)))
        site: dict[str, Any] = {
            "id": f"s400-{k + 1}",
            "system": "S-400",
            "position": {"lat_deg": round(lat0 + dlat, 4), "lon_deg": round(lon0 + dlon, 4)},
        }
        if autonomous:
            site["command"] = "autonomous"
        sites.append(site)
    threats = []
    for c in range(copies):
        for t in raid["threats"]:
            copy = dict(t, id=f"{t['id']}.{c}")
            if "ballistic" in copy:
                copy["ballistic"] = dict(copy["ballistic"], launch_s=copy["ballistic"]["launch_s"] + 15 * c)
            else:
                copy["start_s"] = copy.get("start_s", 0) + 15 * c
            threats.append(copy)
    return {
        "samsim": 1,
        "name": f"ring-{batteries}x{sum(t.get('count', 1) for t in threats)}",
        "seed": 1,
        "duration_s": raid["duration_s"],
        "origin": raid["origin"],
        "environment": raid["environment"],
        "assets": raid["assets"],
        "batteries": sites,
        "threats": threats,
    }


def where_interceptors_went(r: samsim.Result) -> Counter[str]:
    """Each interceptor of a replication by what became of it (see the module docstring)."""
    events = r.events.to_pylist()
    launch_track = {e["interceptor"]: e["track"] for e in events if e["kind"] == "launch"}
    note = {e["interceptor"]: e["detail"] for e in events if e["kind"] == "self_destruct"}
    dropped_s: dict[str, float] = {}
    for e in events:
        if e["kind"] == "track_drop":
            dropped_s.setdefault(e["track"], e["time_s"])
    fate = {t.id: t for t in r.threats}
    at: dict[str, list[InterceptorOutcome]] = {}
    for ic in r.interceptors:
        at.setdefault(ic.target, []).append(ic)
    causes: Counter[str] = Counter()
    for ic in r.interceptors:
        threat = fate.get(ic.target)
        if threat is None:
            causes["false track"] += 1
            continue
        if threat.fate == "killed" and threat.fate_s is not None and threat.fate_s <= ic.launch_s + 1e-9:
            causes["threat already dead"] += 1
            continue
        earlier = [
            o
            for o in at[ic.target]
            if o.launch_s < ic.launch_s - 1e-9
            and (o.end_s if o.end_s is not None else math.inf) > ic.launch_s
        ]
        if earlier:
            track = launch_track[ic.id]
            if any(launch_track[o.id] == track for o in earlier):
                causes["second salvo, same track"] += 1
            elif all(dropped_s.get(launch_track[o.id], math.inf) <= ic.launch_s for o in earlier):
                causes["second salvo, first track deleted"] += 1
            else:
                causes["second salvo, first track held"] += 1
        elif ic.result == "kill":
            causes["kill"] += 1
        elif ic.result == "miss":
            causes["end-game miss"] += 1
        elif note.get(ic.id) == "target destroyed":
            causes["salvo partner of a kill"] += 1
        else:
            causes[f"no intercept: {note.get(ic.id)}"] += 1
    return causes


def measure(scenario: samsim.Scenario, runs: int) -> dict[str, float]:
    rows = []
    for seed in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        r = samsim.simulate(scenario, seed=seed, trajectories=False)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        fired = len(r.interceptors)
        kills = sum(1 for t in r.threats if t.fate == "killed")
        causes = where_interceptors_went(r)
        rows.append(
            {
                "engaged": sum(1 for t in r.threats if t.shots > 0),
                "kills": kills,
                "leaked": sum(1 for t in r.threats if t.fate == "leaked"),
                "fired": fired,
                "per_kill": fired / kills if kills else math.inf,
                "max_shots_one_threat": max((t.shots for t in r.threats), default=0),
                "wall_s": wall,
                "cpu_s": cpu,
            }
            | {f"cause: {c}": n / kills if kills else math.inf for c, n in causes.items()}
        )
        print(scenario.name, f"seed {seed}", json.dumps({k: round(v, 3) for k, v in rows[-1].items()}))
    keys = dict.fromkeys(k for row in rows for k in row)
    return {k: statistics.median(row.get(k, 0.0) for row in rows) for k in keys}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="seeds 0 .. runs-1 of each scenario")
    ap.add_argument("--batteries", type=int, default=8)
    ap.add_argument("--radius-km", type=float, default=60.0)
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--autonomous", action="store_true", help="every battery fights alone")
    args = ap.parse_args()
    data = ring_scenario(args.batteries, args.radius_km, args.copies, args.autonomous)
    ring = samsim.loads(yaml.safe_dump(data, sort_keys=False))
    raid = samsim.load(RAID)
    samsim.simulate(raid, seed=0, trajectories=False)  # warm-up: numba compilation and caches
    print(
        "| scenario | threats | engaged | kills | leaked | fired | per kill | max at one | wall s | CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    medians = {}
    for sc in (ring, raid):
        m = measure(sc, args.runs)
        medians[sc.name] = m
        n = sum(t.count for t in sc.threats)
        print(
            f"| {sc.name} | {n} | {m['engaged']:.0f} | {m['kills']:.0f} | {m['leaked']:.0f} | "
            f"{m['fired']:.0f} | {m['per_kill']:.2f} | {m['max_shots_one_threat']:.0f} | {m['wall_s']:.2f} "
            f"| {m['cpu_s']:.2f} |"
        )
    causes = sorted({k for m in medians.values() for k in m if k.startswith("cause: ")})
    print()
    print("| interceptors per kill: where they went | " + " | ".join(medians) + " |")
    print("|---|" + "---|" * len(medians))
    for c in causes:
        print(f"| {c[7:]} | " + " | ".join(f"{m.get(c, 0.0):.3f}" for m in medians.values()) + " |")


if __name__ == "__main__":
    main()
