"""Coverage files: PNG maps and profiles, GeoJSON footprints, the site-comparison CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from samsim.coverage.compute import CompareRow, CoverageResult, Footprint, alt_label, polygonal
from samsim.coverage.plots import render_map, render_profile
from samsim.output.files import atomic_dir, check_output_folder


def _feature_json(result: CoverageResult, f: Footprint) -> str:
    """One GeoJSON Feature as text; the geometry is written by GEOS (shortest round-trip numbers)."""
    # 7 decimals (~1 cm): vertices are metres apart, so rounding keeps the polygons valid; should it
    # not, snapping to that grid (slower) repairs them.
    geom = f.geometry
    if geom.is_empty:
        geometry = '{"type":"MultiPolygon","coordinates":[]}'
    else:
        rounded = shapely.transform(geom, lambda xy: np.round(xy, 7))
        if not rounded.is_valid:
            rounded = polygonal(shapely.set_precision(geom, 1e-7))
        geometry = shapely.to_geojson(rounded)
    properties = {
        "battery": f.battery,
        "kind": f.kind,
        "radar": f.radar,
        "interceptor": f.interceptor,
        "alt_m": f.alt_m,
        "alt_ref": result.alt_ref,
        "rcs_m2": result.rcs_of(f.battery, f.radar) if f.kind == "detection" else result.rcs_m2,
        "target": result.target,
        "aspect": result.aspect,
        "pd_threshold": result.pd_threshold,
        "swerling": result.swerling,
        "area_km2": round(f.area_km2, 3),
    }
    props = json.dumps(properties, separators=(",", ":"), allow_nan=False)
    return f'{{"type":"Feature","properties":{props},"geometry":{geometry}}}'


def geojson_text(result: CoverageResult, battery: str) -> str:
    """The FeatureCollection of one battery as text: every footprint at every altitude (RFC 7946:
    longitude/latitude, exterior rings counter-clockwise), one feature per line."""
    feats = ",\n".join(_feature_json(result, f) for f in result.footprints if f.battery == battery)
    name = json.dumps(f"coverage_{battery}")
    return f'{{"type":"FeatureCollection","name":{name},"features":[\n{feats}\n]}}\n'


def geojson(result: CoverageResult, battery: str) -> dict[str, Any]:
    """:func:`geojson_text` parsed: a GeoJSON FeatureCollection as a dict."""
    data: dict[str, Any] = json.loads(geojson_text(result, battery))
    return data


def compare_csv(rows: Sequence[CompareRow], alt_ref: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["measure", "kind", "alt_m", "alt_ref", "battery", "other", "area_km2"])
    for r in rows:
        w.writerow(
            [r.measure, r.kind, alt_label(r.alt_m), alt_ref, r.battery, r.other or "", f"{r.area_km2:.3f}"]
        )
    return buf.getvalue()


_COVERAGE_FILE = re.compile(r"(coverage_.+_[0-9.]+m\.png|coverage_.+\.geojson|profile_.+\.png|compare\.csv)")


def is_coverage_file(name: str) -> bool:
    """Whether ``name`` is one of the files :func:`write_coverage` writes."""
    return _COVERAGE_FILE.fullmatch(name) is not None


COVERAGE_KIND = "samsim coverage"


def check_coverage_folder(out: str | os.PathLike[str]) -> None:
    """Refuse (:class:`~samsim.output.files.OutputFolderError`) an ``out`` that holds anything but
    coverage files, before anything is computed."""
    check_output_folder(Path(out), COVERAGE_KIND, is_coverage_file)


def write_coverage(
    result: CoverageResult, out: str | os.PathLike[str], *, compare: bool = False
) -> list[Path]:
    """Write the coverage files into ``out`` (replaced atomically: a temporary folder, then a rename).

    Per battery: ``coverage_<battery>_<alt>m.png`` for each altitude and ``coverage_<battery>.geojson``
    (all altitudes, one feature per footprint); per battery and radar ``profile_<battery>_<radar>.png``;
    with ``compare``, ``compare.csv``. Returns the paths written (inside ``out``).
    """
    out_path = Path(out)
    names: list[str] = []
    with atomic_dir(out_path, kind=COVERAGE_KIND, owns=is_coverage_file) as tmp:
        for site in result.sites:
            for alt in result.alt_m:
                name = f"coverage_{site.battery}_{alt_label(alt)}m.png"
                render_map(result, site.battery, alt, tmp / name)
                names.append(name)
            name = f"coverage_{site.battery}.geojson"
            (tmp / name).write_text(geojson_text(result, site.battery), encoding="utf-8")
            names.append(name)
        for prof in result.profiles:
            name = f"profile_{prof.battery}_{prof.radar}.png"
            render_profile(result, prof, tmp / name)
            names.append(name)
        if compare:
            (tmp / "compare.csv").write_text(compare_csv(result.compare(), result.alt_ref), encoding="utf-8")
            names.append("compare.csv")
    return [out_path / n for n in names]
