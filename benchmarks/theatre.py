"""Theatre-scale scenarios: N S-400 batteries on a ring around a city against M threats, the raid-48
threat mix (examples/raid-48.yaml) replicated, each copy turned about the city and the copies spread
over the simulated time.

    .venv/bin/python benchmarks/theatre.py write -n 8 -m 384 -o ring-8.yaml          # a scenario file
    .venv/bin/python benchmarks/theatre.py bench                                      # the scaling table
    .venv/bin/python benchmarks/theatre.py bench --quick                              # a smaller one
    .venv/bin/python benchmarks/theatre.py phases --config 8 96 20                    # where RSS goes

Defaults: 8 × 384 over 20 min (the ring around Ankara of issue 13: eight batteries, the raid mix × 8)
and 24 × 1500 over 2 h. Copy k of the raid is turned by k × 360°/copies (golden-angle steps when there
are more copies than fit one turn) about the city, so the raid comes from every side; with a duration
longer than the raid's 20 min the copies start at evenly spaced times, so threats arrive at a steady
rate. Each battery is raid-48's S-400 battery (same radars) moved onto a circle of ``--ring-km`` about
the city; the raid's air base turned with its copy is an asset of its own. ``--reloads K`` gives each
battery K full reloads of its launchers on its transloaders (scenario ``reserve``): without them a
battery that has fired its load stays empty, which in a run of hours leaves the defence unarmed for
its last part.

``bench`` runs every configuration in a fresh process (so memory figures are the replication's own):
one untimed replication of a small scenario compiles the numba kernels, then one replication of the
configuration is timed (wall and CPU). Memory: the process's peak RSS (``getrusage``), and its growth
over the replication (peak after it minus peak before it: what the replication itself added on top of
the interpreter, the compiled kernels and the scenario); ``--traced`` repeats the replication under
``tracemalloc`` for the peak of Python-visible memory (NumPy arrays included; 3-6x slower). Prints a
Markdown table (stdout) and one JSON line per configuration (stderr).

``phases`` runs each configuration twice, recording trajectories and not, and reports the RSS growth
over the simulation loop (read when the event table is about to be built) and at the peak (after the
result's tables are built), with the events and trajectory rows and the two tables' size, and the
same for the anonymous memory (RssAnon: the peak sampled every 20 ms, and with the result held): the
result's tables memory-mapped from the logs' spill file are file-backed and not in it. ``--no-spill``
(both commands) keeps the logs in memory however long they grow, as before they spilled (the
comparison); ``--trajectories on`` runs phases with trajectories only.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from samsim import catalog

ROOT = Path(__file__).resolve().parents[1]
RAID = ROOT / "examples" / "raid-48.yaml"
RAID_S = 1200.0  # raid-48's duration: its threats are all launched within it
GOLDEN_DEG = 137.50776405003785
KM_PER_DEG = 111.195  # mean Earth radius × π/180: a local flat map is plenty for placing sites


def _turn(point: dict[str, Any], centre: tuple[float, float], angle_deg: float) -> dict[str, Any]:
    """``point`` (lat_deg/lon_deg) turned by ``angle_deg`` clockwise about ``centre`` on a local map."""
    lat0, lon0 = centre
    coslat = math.cos(math.radians(lat0))
    east = (point["lon_deg"] - lon0) * KM_PER_DEG * coslat
    north = (point["lat_deg"] - lat0) * KM_PER_DEG
    a = math.radians(angle_deg)
    e2 = east * math.cos(a) + north * math.sin(a)
    n2 = -east * math.sin(a) + north * math.cos(a)
    out = dict(point)
    out["lat_deg"] = round(lat0 + n2 / KM_PER_DEG, 5)
    out["lon_deg"] = round(lon0 + e2 / (KM_PER_DEG * coslat), 5)
    return out


def theatre(
    batteries: int = 8,
    threats: int = 384,
    duration_s: float = RAID_S,
    ring_km: float = 30.0,
    reloads: int = 0,
) -> dict[str, Any]:
    """The scenario data (as a YAML mapping) of ``batteries`` S-400 batteries against ``threats``,
    each with ``reloads`` full loads of its launchers in reserve."""
    if batteries < 1 or threats < 1:
        raise ValueError("need at least one battery and one threat")
    if reloads < 0:
        raise ValueError("reloads must be zero or more")
    if duration_s < RAID_S:
        raise ValueError(f"duration_s must be at least the raid's {RAID_S:.0f} s")
    raid = yaml.safe_load(RAID.read_text())
    city = next(a for a in raid["assets"] if a["id"] == "ankara")
    base = next(a for a in raid["assets"] if a["id"] == "airbase")
    centre = (city["position"]["lat_deg"], city["position"]["lon_deg"])
    per_raid = sum(int(t.get("count", 1)) for t in raid["threats"])
    copies = math.ceil(threats / per_raid)
    step_deg = 360.0 / copies if copies <= 8 else GOLDEN_DEG
    spread_s = (duration_s - RAID_S) / (copies - 1) if copies > 1 else 0.0
    assets = [copy.deepcopy(city)]
    out_threats: list[dict[str, Any]] = []
    left = threats
    for k in range(copies):
        angle, t0 = k * step_deg, round(k * spread_s, 1)
        base_k = {**copy.deepcopy(base), "id": f"airbase-{k}"}
        base_k["position"] = _turn(base["position"], centre, angle)
        assets.append(base_k)
        for entry in raid["threats"]:
            if left == 0:
                break
            t = copy.deepcopy(entry)
            t["id"] = f"{entry['id']}-{k}"
            t["count"] = min(int(entry.get("count", 1)), left)
            left -= t["count"]
            if t.get("target") == "airbase":
                t["target"] = base_k["id"]
            if "route" in t:
                t["route"] = [_turn(p, centre, angle) for p in t["route"]]
                t["start_s"] = float(t.get("start_s", 0.0)) + t0
            if "ballistic" in t:
                b = t["ballistic"]
                b["launch"] = _turn(b["launch"], centre, angle)
                if b.get("impact_on") == "airbase":
                    b["impact_on"] = base_k["id"]
                b["launch_s"] = float(b.get("launch_s", 0.0)) + t0
            out_threats.append(t)
    template = raid["batteries"][0]
    reserve: dict[str, int] = {}
    for launcher in catalog.system(template["system"]).launchers:
        for missile, per_launcher in launcher["load"].items():
            reserve[missile] = reserve.get(missile, 0) + reloads * launcher["count"] * per_launcher
    sites = []
    for i in range(batteries):
        bearing = math.radians(360.0 * i / batteries)
        north, east = ring_km * math.cos(bearing), ring_km * math.sin(bearing)
        site = copy.deepcopy(template)
        site["id"] = f"s400-{i + 1}"
        site["position"] = {
            "lat_deg": round(centre[0] + north / KM_PER_DEG, 5),
            "lon_deg": round(centre[1] + east / (KM_PER_DEG * math.cos(math.radians(centre[0]))), 5),
            "alt_m": template["position"]["alt_m"],
        }
        if reloads:
            site["reserve"] = dict(reserve)
        sites.append(site)
    data = {k: v for k, v in raid.items() if k not in ("assets", "batteries", "threats")}
    data.update(
        name=f"theatre-{batteries}x{threats}-{duration_s / 60:.0f}min",
        description=(
            f"{batteries} S-400 batteries on a {ring_km:g} km ring around the city, the raid-48 mix "
            f"× {copies} ({threats} threats) over {duration_s / 60:.0f} min"
            + (f", {reloads} reload(s) per launcher in reserve" if reloads else "")
            + " (benchmarks/theatre.py)"
        ),
        duration_s=float(duration_s),
        assets=assets,
        batteries=sites,
        threats=out_threats,
    )
    return data


# ---------------------------------------------------------------------------------------------------
# The benchmark: one configuration per process

# Anonymous memory (RssAnon of /proc/self/status: heap and anonymous mappings, not the file-backed
# pages of memory-mapped output, which the kernel may drop), sampled by a thread every 20 ms for its
# peak (the kernel keeps only the peak of the whole RSS). Linux only; elsewhere None.
_ANON = r"""
import threading
def anon_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
class AnonPeak(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = anon_mb(), True
    def run(self):
        while self.running:
            now = anon_mb()
            if now is not None and now > self.peak:
                self.peak = now
            time.sleep(0.02)
    def stop(self):
        self.running = False
        self.join()
        now = anon_mb()
        self.peak = None if now is None else max(self.peak, now)
        return self.peak
"""

_CHILD = (
    r"""
import json, os, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
"""
    + _ANON
    + r"""
import samsim
if os.environ.get("THEATRE_NO_SPILL"):  # the logs held in memory however long (the comparison)
    from samsim.output import result as _R
    _R.EventLog.spill_rows = _R.TrajectoryLog.spill_rows = 1 << 62
from theatre import theatre
n, m, seed = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[6])
dur, ring, reloads = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[8])
samsim.simulate(samsim.loads(json.dumps(theatre(1, 8))), seed=0)  # compile the kernels, fill the caches
scenario = samsim.loads(json.dumps(theatre(n, m, dur, ring, reloads)))
rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
anon_before = anon_mb()
sampler = AnonPeak()
sampler.start()
w0, c0 = time.perf_counter(), time.process_time()
result = samsim.simulate(scenario, seed=seed)
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
rss_run_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
anon_peak, anon_after = sampler.stop(), anon_mb()
peak = None
if sys.argv[7] == "1":
    del result
    tracemalloc.start()
    result = samsim.simulate(scenario, seed=seed)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
outcomes = result.threats
shot_at = {i.target for i in result.interceptors}
kills = sum(1 for t in outcomes if t.fate == "killed")
fired = len(result.interceptors)
print(json.dumps({
    "batteries": n, "threats": m, "duration_min": dur / 60, "seed": seed, "reloads": reloads,
    "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
    "peak_traced_mb": None if peak is None else round(peak / 2**20, 1),
    "peak_rss_mb": round(rss_run_kb / 1024, 1),
    "rss_growth_mb": round((rss_run_kb - rss_before_kb) / 1024, 1),
    "anon_peak_growth_mb": None if anon_before is None else round(anon_peak - anon_before, 1),
    "anon_after_growth_mb": None if anon_before is None else round(anon_after - anon_before, 1),
    "kills": kills, "leaked": sum(1 for t in outcomes if t.fate == "leaked"),
    "fired": fired, "per_kill": round(fired / kills, 2) if kills else None,
    "engaged": len(shot_at), "events": result.events.num_rows,
}))
"""
)

# Where the replication's memory goes: RSS when the loop ends (the event table is about to be
# built) and the peak after the result is built, with trajectories recorded or not.
_PHASES_CHILD = (
    r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
"""
    + _ANON
    + r"""
import samsim
if os.environ.get("THEATRE_NO_SPILL"):  # the logs held in memory however long (the comparison)
    from samsim.output import result as _R
    _R.EventLog.spill_rows = _R.TrajectoryLog.spill_rows = 1 << 62
from samsim.output import result as R
from samsim.sim import engine as E
from theatre import theatre
n, m, dur, traj = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
page = os.sysconf("SC_PAGE_SIZE")
def now_mb(): return int(open("/proc/self/statm").read().split()[1]) * page / 2**20
def peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
got = {}
events_table = R.EventLog.table
def table(log):
    if "loop_end_mb" not in got:
        got["loop_end_mb"], got["loop_end_anon_mb"], got["events"] = now_mb(), anon_mb(), len(log)
    return events_table(log)
R.EventLog.table = table
samsim.simulate(samsim.loads(json.dumps(theatre(1, 8))), seed=0)  # compile the kernels, fill the caches
got.clear()
world = E.compile_world(samsim.loads(json.dumps(theatre(n, m, dur))))
before_now, before_peak, before_anon = now_mb(), peak_mb(), anon_mb()
sampler = AnonPeak()
sampler.start()
c0 = time.process_time()
result = E.Engine(world, 1, trajectories=traj).run()
cpu_s = time.process_time() - c0
anon_peak, anon_after = sampler.stop(), anon_mb()
print(json.dumps({
    "batteries": n, "threats": m, "duration_min": dur / 60, "trajectories": traj,
    "cpu_s": round(cpu_s, 2), "events": got["events"],
    "trajectory_rows": result.trajectories.num_rows,
    "loop_growth_mb": round(got["loop_end_mb"] - before_now, 1),
    "peak_growth_mb": round(peak_mb() - before_peak, 1),
    "loop_anon_growth_mb": round(got["loop_end_anon_mb"] - before_anon, 1),
    "peak_anon_growth_mb": round(anon_peak - before_anon, 1),
    "after_anon_growth_mb": round(anon_after - before_anon, 1),
    "tables_mb": round((result.events.nbytes + result.trajectories.nbytes) / 2**20, 1),
}))
"""
)


def phases(configs: list[tuple[int, int, float]], trajectories: tuple[bool, ...] = (True, False)) -> None:
    """Per configuration, trajectories recorded and not: RSS growth over the loop and at the peak."""
    head = ("batteries × threats / min", "trajectories", "events", "trajectory rows", "CPU s")
    head += ("RSS growth at loop end MB", "peak RSS growth MB", "events + trajectories tables MB")
    head += ("RssAnon growth at loop end MB", "peak RssAnon growth MB", "RssAnon growth, result held MB")
    print("| " + " | ".join(head) + " |\n" + "|---" * len(head) + "|")
    for n, m, dur in configs:
        for traj in trajectories:
            args = [str(Path(__file__).parent), str(n), str(m), str(dur), "1" if traj else "0"]
            proc = subprocess.run(
                [sys.executable, "-c", _PHASES_CHILD, *args], capture_output=True, text=True, check=True
            )
            g = json.loads(proc.stdout.strip().splitlines()[-1])
            cells = (
                f"{n} × {m} / {dur / 60:.0f}",
                "on" if traj else "off",
                g["events"],
                g["trajectory_rows"],
            )
            cells += (g["cpu_s"], g["loop_growth_mb"], g["peak_growth_mb"], g["tables_mb"])
            cells += (g["loop_anon_growth_mb"], g["peak_anon_growth_mb"], g["after_anon_growth_mb"])
            print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
            print(json.dumps(g), file=sys.stderr)


DEFAULTS = [(8, 384, 1200.0), (24, 1500, 7200.0)]
FULL = [
    # against N (M fixed)
    (1, 96, 1200.0),
    (2, 96, 1200.0),
    (4, 96, 1200.0),
    (8, 96, 1200.0),
    # against M (N fixed)
    (8, 48, 1200.0),
    (8, 192, 1200.0),
    (8, 384, 1200.0),
    # against simulated time at a steady arrival rate (4.8 threats a minute): M grows with the time
    (8, 192, 2400.0),
    (8, 384, 4800.0),
    # the two defaults
    (24, 1500, 7200.0),
]
QUICK = [(1, 48, 1200.0), (8, 96, 1200.0), (8, 192, 2400.0)]


def measure(
    n: int, m: int, duration_s: float, ring_km: float, seed: int, memory: bool, reloads: int = 0
) -> dict[str, Any]:
    """One replication of the configuration in a fresh process; its figures."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            str(Path(__file__).parent),
            str(n),
            str(m),
            str(duration_s),
            str(ring_km),
            str(seed),
            "1" if memory else "0",
            str(reloads),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(
            f"{n}x{m}: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}"
        )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _raid48(seed: int) -> dict[str, Any]:
    """raid-48 itself measured the same way (its one battery, its own geometry)."""
    code = _CHILD.replace(
        "scenario = samsim.loads(json.dumps(theatre(n, m, dur, ring, reloads)))",
        f"scenario = samsim.load({str(RAID)!r})",
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), "1", "48", "1200", "0", str(seed), "0", "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def bench(
    configs: list[tuple[int, int, float]],
    ring_km: float,
    seed: int,
    memory: bool,
    repeat: int,
    reloads: int = 0,
) -> None:
    head = (
        "batteries × threats",
        "simulated min",
        "wall s per replication",
        "CPU s",
        "peak traced MB",
        "peak RSS MB",
        "RSS growth MB",
        "peak RssAnon growth MB",
        "kills",
        "leaked",
        "fired",
        "interceptors per kill",
        "threats engaged",
    )
    print("| " + " | ".join(head) + " |\n" + "|---" * len(head) + "|")
    rows = [("raid-48", lambda r: _raid48(seed))]
    rows += [
        (
            f"{n} × {m}" + (f", {reloads} reload(s)" if reloads else ""),
            lambda r, n=n, m=m, d=d: measure(n, m, d, ring_km, seed, memory and r == 0, reloads),
        )
        for n, m, d in configs
    ]
    for label, run in rows:
        t0 = time.perf_counter()
        got = [run(r) for r in range(repeat)]
        walls = sorted(g["wall_s"] for g in got)
        mid = got[0]
        wall = walls[len(walls) // 2]
        spread = f" [{walls[0]:.2f}–{walls[-1]:.2f}]" if repeat > 1 else ""
        peak = next((g["peak_traced_mb"] for g in got if g["peak_traced_mb"] is not None), None)
        cpu = sorted(g["cpu_s"] for g in got)[len(got) // 2]
        cells = (
            label,
            f"{mid['duration_min']:.0f}",
            f"{wall:.2f}{spread}",
            f"{cpu:.2f}",
            "—" if peak is None else f"{peak}",
            f"{max(g['peak_rss_mb'] for g in got):.0f}",
            f"{max(g['rss_growth_mb'] for g in got):.0f}",
            _most(g.get("anon_peak_growth_mb") for g in got),
            mid["kills"],
            mid["leaked"],
            mid["fired"],
            mid["per_kill"],
            mid["engaged"],
        )
        print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
        print(
            json.dumps(
                {
                    "label": label,
                    "runs": got,
                    "median_wall_s": wall,
                    "elapsed_s": round(time.perf_counter() - t0, 1),
                }
            ),
            file=sys.stderr,
        )


def _most(values: Any) -> str:
    """The largest of the figures given, or a dash where none was measured."""
    known = [v for v in values if v is not None]
    return f"{max(known):.0f}" if known else "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write one scenario file")
    w.add_argument("-n", "--batteries", type=int, default=8)
    w.add_argument("-m", "--threats", type=int, default=384)
    w.add_argument("--minutes", type=float, default=RAID_S / 60)
    w.add_argument("--ring-km", type=float, default=30.0)
    w.add_argument("-o", "--out", type=Path, required=True)
    b = sub.add_parser("bench", help="time and memory per replication against N, M and simulated time")
    b.add_argument("--quick", action="store_true", help="three small configurations (about a minute)")
    b.add_argument("--defaults", action="store_true", help="only 8 × 384 / 20 min and 24 × 1500 / 2 h")
    b.add_argument(
        "--config",
        nargs=3,
        type=float,
        action="append",
        metavar=("N", "M", "MIN"),
        help="one configuration (batteries, threats, simulated minutes); repeatable",
    )
    b.add_argument("--ring-km", type=float, default=30.0)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--repeat", type=int, default=1, help="replications per configuration (median and range)")
    b.add_argument(
        "--traced", action="store_true", help="repeat each replication under tracemalloc (slow: 3-6x)"
    )
    p = sub.add_parser(
        "phases",
        help="RSS growth over the loop and at the peak, trajectories on and off (fresh process each)",
    )
    p.add_argument("--config", nargs=3, type=float, action="append", metavar=("N", "M", "MIN"), required=True)
    p.add_argument("--trajectories", choices=("both", "on", "off"), default="both")
    for cmd in (w, b):
        cmd.add_argument(
            "--reloads",
            type=int,
            default=0,
            help="full reloads of every launcher in each battery's reserve (default 0: none)",
        )
    for cmd in (b, p):
        cmd.add_argument("--no-spill", action="store_true", help="keep the logs in memory (the comparison)")
    args = ap.parse_args()
    if getattr(args, "no_spill", False):
        os.environ["THEATRE_NO_SPILL"] = "1"  # read by the child processes
    if args.cmd == "phases":
        which = {"both": (True, False), "on": (True,), "off": (False,)}[args.trajectories]
        phases([(int(n), int(m), minutes * 60) for n, m, minutes in args.config], which)
        return
    if args.cmd == "write":
        data = theatre(args.batteries, args.threats, args.minutes * 60, args.ring_km, args.reloads)
        args.out.write_text(
            f"# Generated by benchmarks/theatre.py write -n {args.batteries} -m {args.threats} "
            f"--minutes {args.minutes:g} --ring-km {args.ring_km:g} --reloads {args.reloads}\n"
            + yaml.safe_dump(data, sort_keys=False, width=110)
        )
        print(f"{args.out}: {args.batteries} batteries, {args.threats} threats, {args.minutes:g} min")
        return
    configs = QUICK if args.quick else DEFAULTS if args.defaults else FULL
    if args.config:
        configs = [(int(n), int(m), minutes * 60) for n, m, minutes in args.config]
    bench(configs, args.ring_km, args.seed, args.traced, args.repeat, args.reloads)


if __name__ == "__main__":
    main()
