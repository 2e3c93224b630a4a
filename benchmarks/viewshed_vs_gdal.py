"""Grid viewshed: samsim.models.terrain.viewshed against GDAL's gdal_viewshed on the same GeoTIFF.

Target (the product contract, performance): a 1000 x 1000 DEM line-of-sight coverage within 1x of
gdal_viewshed's net time, >= 99 % cell agreement.

Recipe: a seeded synthetic fractal DEM (1000 x 1000 cells of 30 m, UTM 36N around Ankara) is written
as a GeoTIFF; one observer at the centre cell, 25 m above the ground, a target 50 m above each cell,
curvature and refraction with k = 4/3 (gdal_viewshed ``-oz 25 -tz 50 -cc 0.75``). GDAL is timed as a
whole process (``subprocess``, start to exit: read, compute, write). samsim is timed in-process, warm
(numba compiled beforehand), two ways: the viewshed call alone, and the same work GDAL's process does
(read the GeoTIFF, compute, write a Byte GeoTIFF of 255/0). Net work (samsim's ``viewshed()``, GDAL's
``ViewshedGenerate``, both warm and in-process, single-threaded) is timed in wall-clock and in CPU
seconds of the process (``time.process_time``): on a shared, loaded machine the CPU time is the fair
measure, since waiting for a core inflates wall-clock. Medians over ``--repeat`` runs, with their
range; each ratio is against GDAL measured the same way.
Agreement is the share of cells where both say visible or both say not.

Run::

    .venv/bin/python benchmarks/viewshed_vs_gdal.py [--size 1000] [--cell-m 30] [--seed 1] [--repeat 5]

Prints a table and one JSON line. If ``gdal_viewshed`` is not installed it says so (apt-get install
gdal-bin) and reports samsim's times alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import rasterio

from samsim.models.terrain import (
    Dem,
    line_of_sight_clear,
    ray_visibility,
    read_dem,
    sample_height_m,
    synthetic_dem,
    viewshed,
    write_dem,
)
from samsim.models.terrain import _geod as geod

EXAMPLE_DEM = Path(__file__).resolve().parents[1] / "examples" / "terrain" / "anatolia-synthetic.tif"

OBSERVER_AGL_M = 25.0
TARGET_AGL_M = 50.0
REFRACTION_K = 4.0 / 3.0  # gdal_viewshed -cc 0.75 (cc = 1/k)
HERE = Path(__file__).resolve().parent
# A Python with GDAL's bindings (the system one: python3-gdal), for GDAL's net-work timing.
GDAL_PYTHON = os.environ.get("SAMSIM_GDAL_PYTHON", "/usr/bin/python3")
# samsim as a whole process, like the command: start, read the DEM, compute, write a GeoTIFF, exit.
SAMSIM_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from viewshed_vs_gdal import OBSERVER_AGL_M, TARGET_AGL_M, REFRACTION_K, write_visibility
from samsim.models.terrain import read_dem, viewshed
d = read_dem(sys.argv[2])
vis = viewshed(d, float(sys.argv[3]), float(sys.argv[4]), OBSERVER_AGL_M, TARGET_AGL_M, REFRACTION_K)
write_visibility(sys.argv[5], vis, d.crs, d.transform)
"""


def times_s(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def wall_and_cpu_s(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this process) seconds of ``repeat`` calls."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return wall, cpu


def median_time_s(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(times_s(fn, repeat))


def write_visibility(path: Path, visible: np.ndarray, crs: str, transform: object) -> None:
    """A plain Byte GeoTIFF of 255 / 0, as gdal_viewshed writes by default."""
    ny, nx = visible.shape
    profile = dict(driver="GTiff", width=nx, height=ny, count=1, dtype="uint8", crs=crs, transform=transform)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.where(visible, 255, 0).astype(np.uint8), 1)


def engine_calls(dem: Dem, label: str, r_lo_m: float, r_hi_m: float, repeat: int) -> list[tuple[str, float]]:
    """Microseconds per line_of_sight_clear call for 50 targets, and per ray_visibility map."""
    rng = np.random.default_rng(0)
    lon0, lat0 = dem.center_lon_lat_deg
    obs = float(sample_height_m(dem, lon0, lat0)) + OBSERVER_AGL_M
    lon, lat, _ = geod().fwd(
        np.full(50, lon0), np.full(50, lat0), rng.uniform(0, 360, 50), rng.uniform(r_lo_m, r_hi_m, 50)
    )
    ground = np.nan_to_num(sample_height_m(dem, lon, lat))
    out = []
    for name, alt in (("50 m AGL", ground + 50.0), ("6 km MSL", np.full(50, 6000.0))):
        line_of_sight_clear(dem, lon0, lat0, obs, lon, lat, alt)
        n = 50 * repeat
        t = median_time_s(lambda a=alt: line_of_sight_clear(dem, lon0, lat0, obs, lon, lat, a), n)
        out.append((f"{label}: LOS 50 targets {name}, {r_lo_m / 1e3:g}-{r_hi_m / 1e3:g} km", 1e6 * t))
    az = np.radians(np.arange(0.0, 360.0, 0.5))
    ranges = np.linspace(0.0, r_hi_m, 1000)
    ray_visibility(dem, lon0, lat0, obs, az, ranges, 50.0, agl=True)
    t = median_time_s(lambda: ray_visibility(dem, lon0, lat0, obs, az, ranges, 50.0, agl=True), repeat)
    out.append((f"{label}: ray_visibility 720 az x 1000 ranges to {r_hi_m / 1e3:g} km", 1e6 * t))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="cells per side")
    parser.add_argument("--cell-m", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    gdal = shutil.which("gdal_viewshed")
    runs: dict[str, list[float]] = {}  # seconds of every timed run, by row (GDAL's net work: its range)
    with tempfile.TemporaryDirectory(prefix="samsim-viewshed-") as tmp:
        dem_path = Path(tmp) / "dem.tif"
        write_dem(dem_path, synthetic_dem((args.size, args.size), args.cell_m, seed=args.seed))
        dem = read_dem(dem_path)
        centre = args.size // 2
        x_obs, y_obs = dem.transform @ (centre + 0.5, centre + 0.5)

        def samsim_compute() -> np.ndarray:
            return viewshed(dem, x_obs, y_obs, OBSERVER_AGL_M, TARGET_AGL_M, REFRACTION_K)

        def samsim_end_to_end() -> None:
            d = read_dem(dem_path)
            vis = viewshed(d, x_obs, y_obs, OBSERVER_AGL_M, TARGET_AGL_M, REFRACTION_K)
            write_visibility(Path(tmp) / "samsim.tif", vis, d.crs, d.transform)

        ours = samsim_compute()  # warm-up: numba compilation (or cache load) is not timed
        samsim_end_to_end()
        runs["samsim viewshed() alone, net work"], runs["samsim viewshed(), net CPU"] = wall_and_cpu_s(
            samsim_compute, args.repeat
        )
        runs["samsim read + viewshed + write"] = times_s(samsim_end_to_end, args.repeat)
        t_compute = statistics.median(runs["samsim viewshed() alone, net work"])
        t_compute_cpu = statistics.median(runs["samsim viewshed(), net CPU"])
        t_e2e = statistics.median(runs["samsim read + viewshed + write"])

        t_gdal: float | None = None
        t_gdal_net: float | None = None
        t_gdal_net_cpu: float | None = None
        same_as_command: bool | None = None
        agreement: float | None = None
        gdal_version = None
        if gdal is None:
            print("gdal_viewshed is not installed (apt-get install gdal-bin): reporting samsim alone")
        else:
            gdal_version = subprocess.run(
                ["gdalinfo", "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
            out_path = Path(tmp) / "gdal.tif"
            cmd = [
                gdal, "-q",
                "-oz", str(OBSERVER_AGL_M), "-tz", str(TARGET_AGL_M), "-cc", str(1.0 / REFRACTION_K),
                "-ox", repr(float(x_obs)), "-oy", repr(float(y_obs)),
                str(dem_path), str(out_path),
            ]  # fmt: skip
            subprocess.run(cmd, check=True)  # warm the file cache like samsim's warm-up
            runs["gdal_viewshed, whole process"] = times_s(
                lambda: subprocess.run(cmd, check=True), args.repeat
            )
            t_gdal = statistics.median(runs["gdal_viewshed, whole process"])
            with rasterio.open(out_path) as src:
                theirs = src.read(1) == 255
            agreement = float((theirs == ours).mean())
            # GDAL as net work: ViewshedGenerate in-process on an open band, into memory.
            net_path = Path(tmp) / "gdal-net.tif"
            proc = subprocess.run(
                [GDAL_PYTHON, str(HERE / "peers" / "gdal_viewshed_net.py"), str(dem_path), repr(float(x_obs)),
                 repr(float(y_obs)), str(OBSERVER_AGL_M), str(TARGET_AGL_M), str(1.0 / REFRACTION_K),
                 str(args.repeat), str(net_path)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode == 0:
                net = json.loads(proc.stdout.strip().splitlines()[-1])
                t_gdal_net = float(net["net_s"])
                runs["GDAL ViewshedGenerate, net work"] = list(net["net_s_range"])
                t_gdal_net_cpu = float(net["net_cpu_s"])
                runs["GDAL ViewshedGenerate, net CPU"] = list(net["net_cpu_s_range"])
                with rasterio.open(net_path) as src:
                    same_as_command = bool(np.array_equal(src.read(1) == 255, theirs))
            else:
                print(f"GDAL net-work timing skipped ({GDAL_PYTHON} has no GDAL bindings?)")
        # samsim as a whole process (interpreter start, imports, numba cache load, read, compute, write)
        cmd_samsim = [sys.executable, "-c", SAMSIM_PROCESS, str(HERE), str(dem_path), repr(float(x_obs)),
                      repr(float(y_obs)), str(Path(tmp) / "samsim-process.tif")]  # fmt: skip
        subprocess.run(cmd_samsim, check=True)  # warm: the numba cache on disk and the file cache
        runs["samsim, whole process"] = times_s(lambda: subprocess.run(cmd_samsim, check=True), args.repeat)
        t_samsim_process = statistics.median(runs["samsim, whole process"])

    rows = [  # (row, seconds, the GDAL figure measured the same way)
        ("gdal_viewshed, whole process", t_gdal, t_gdal),
        ("samsim, whole process", t_samsim_process, t_gdal),
        ("GDAL ViewshedGenerate, net work", t_gdal_net, t_gdal_net),
        ("samsim viewshed() alone, net work", t_compute, t_gdal_net),
        ("GDAL ViewshedGenerate, net CPU", t_gdal_net_cpu, t_gdal_net_cpu),
        ("samsim viewshed(), net CPU", t_compute_cpu, t_gdal_net_cpu),
        ("samsim read + viewshed + write", t_e2e, t_gdal),
    ]
    print(f"\nviewshed {args.size}x{args.size} cells of {args.cell_m:g} m, -oz 25 -tz 50 -cc 0.75, "
          f"median of {args.repeat}")  # fmt: skip
    print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    print(f"{'':34s} {'time (s)':>10s} {'(min-max)':>17s} {'÷ GDAL':>8s}  (GDAL measured the same way)")
    for name, t, peer in rows:
        if t is None:
            print(f"{name:36s} {'n/a':>10s}")
            continue
        ratio = f"{t / peer:8.2f}" if peer else f"{'n/a':>8s}"
        spread = f"({min(runs[name]):.4f}-{max(runs[name]):.4f})"
        print(f"{name:36s} {t:10.4f} {spread:>17s} {ratio}")
    visible = float(ours.mean())
    print(f"visible share (samsim): {100 * visible:.2f} %")
    if agreement is not None:
        print(f"cells agreeing with GDAL: {100 * agreement:.4f} %  (target >= 99 %)")
    if t_gdal:
        print(f"samsim end-to-end / GDAL: {t_e2e / t_gdal:.2f}x  (target <= 2x)")
    calls = engine_calls(dem, f"{args.cell_m:g} m DEM", 1_000.0, 14_000.0, args.repeat)
    if EXAMPLE_DEM.exists():
        calls += engine_calls(read_dem(EXAMPLE_DEM), "300 m Anatolia", 20_000.0, 250_000.0, args.repeat)
    else:
        print(f"{EXAMPLE_DEM} is absent: skipping the 300 m DEM timings")
    print(f"\n{'engine / coverage calls (warm, median)':64s} {'us/call':>10s}")
    for name, us in calls:
        print(f"{name:64s} {us:10.0f}")
    print("reproduce: .venv/bin/python benchmarks/viewshed_vs_gdal.py " + " ".join(sys.argv[1:]))
    result = {
        "benchmark": "viewshed_vs_gdal",
        "size": args.size,
        "cell_m": args.cell_m,
        "seed": args.seed,
        "repeat": args.repeat,
        "gdal": gdal_version,
        "gdal_s": t_gdal,
        "samsim_compute_s": t_compute,
        "samsim_end_to_end_s": t_e2e,
        "samsim_process_s": t_samsim_process,
        "gdal_net_s": t_gdal_net,
        "samsim_compute_cpu_s": t_compute_cpu,
        "gdal_net_cpu_s": t_gdal_net_cpu,
        "gdal_net_same_as_command": same_as_command,
        "ratio_process": (t_samsim_process / t_gdal) if t_gdal else None,
        "ratio_net": (t_compute / t_gdal_net) if t_gdal_net else None,
        "ratio_net_cpu": (t_compute_cpu / t_gdal_net_cpu) if t_gdal_net_cpu else None,
        "ratio_end_to_end": (t_e2e / t_gdal) if t_gdal else None,
        "ratio_compute": (t_compute / t_gdal) if t_gdal else None,
        "agreement": agreement,
        "range_s": {name: [min(ts), max(ts)] for name, ts in runs.items()},
        "load_average_1min": round(os.getloadavg()[0], 2),
        "visible_share": visible,
        "calls_us": {name: round(us, 1) for name, us in calls},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
