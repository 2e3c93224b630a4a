"""GDAL's viewshed timed as net work: ``gdal.ViewshedGenerate`` in-process on an already-open band,
into an in-memory raster (no process start, no file written), the warm median of ``repeat`` calls,
in wall-clock and in CPU seconds.

    python3 benchmarks/peers/gdal_viewshed_net.py DEM.tif X Y OBSERVER_M TARGET_M CURV_COEFF REPEAT [OUT.tif]

Run with a Python that has GDAL's bindings (``apt-get install python3-gdal``: the system python3, not
samsim's venv). The same settings as ``gdal_viewshed -oz OBSERVER_M -tz TARGET_M -cc CURV_COEFF -ox X
-oy Y`` (visible 255, invisible 0, cell mode "edge", no maximum distance); with OUT.tif it also writes
the result there once, to check that it equals the command's. Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from osgeo import gdal

gdal.UseExceptions()
path, x, y, oz, tz, cc, repeat = sys.argv[1:8]
src = gdal.Open(path)
band = src.GetRasterBand(1)


def once(driver: str = "MEM", out: str = "") -> object:
    return gdal.ViewshedGenerate(
        band, driver, out, [], float(x), float(y), float(oz), float(tz),
        255, 0, 0, -1.0, float(cc), gdal.GVM_Edge, 0.0,
    )  # fmt: skip


once()  # warm: the DEM's blocks in GDAL's cache, like the command's warm-up run
times = []
cpu_times = []  # CPU seconds of this process (GDAL 3.6's viewshed runs on the calling thread)
for _ in range(int(repeat)):
    t0 = time.perf_counter()
    c0 = time.process_time()
    ds = once()
    cpu_times.append(time.process_time() - c0)
    times.append(time.perf_counter() - t0)
    ds = None
if len(sys.argv) > 8:
    ds = once("GTiff", sys.argv[8])
    ds = None
print(
    json.dumps(
        {
            "gdal": gdal.__version__,
            "net_s": statistics.median(times),
            "net_s_range": [min(times), max(times)],
            "net_cpu_s": statistics.median(cpu_times),
            "net_cpu_s_range": [min(cpu_times), max(cpu_times)],
            "runs": len(times),
        }
    )
)
