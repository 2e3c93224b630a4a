"""Regenerate anatolia-synthetic.tif beside this script: `.venv/bin/python examples/terrain/regenerate.py`.

A notional plateau around Ankara (39.9 N, 32.8 E): seeded synthetic terrain (fractal surface plus
ridges, mean 900 m), 1000 x 1000 cells of 300 m in UTM zone 36N (EPSG:32636), heights in whole metres.
"""

from pathlib import Path

from samsim.models.terrain import anatolia_example_dem, write_dem

if __name__ == "__main__":
    out = Path(__file__).with_name("anatolia-synthetic.tif")
    write_dem(out, anatolia_example_dem())
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
