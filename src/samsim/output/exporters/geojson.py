"""GeoJSON (RFC 7946, https://www.rfc-editor.org/rfc/rfc7946) for GIS tools: QGIS, ArcGIS, geopandas,
web maps.

One ``FeatureCollection``: positions are ``[longitude, latitude, altitude]`` in WGS-84 degrees (RFC 7946
section 3.1.1), the altitude samsim's ``alt_m`` (above mean sea level; the RFC's reference is the
ellipsoid, tens of metres away). Its members besides ``type`` and ``features`` are foreign members
(section 6.1): ``name`` (the scenario) and ``description`` (what the file holds, starting with the
samsim mark). No ``crs`` member: RFC 7946 has none.

Features, in this order, each with an ``id`` (section 3.2) ``<kind>:<id>``:

- one per threat and interceptor: a ``LineString`` of its samples (a ``Point`` when it has one),
  with properties ``id``, ``kind``, ``type``, ``battery`` (null for threats), ``group``, ``target``,
  ``fate`` (threats) and ``result`` (interceptors), null for the other kind, ``start_s``, ``end_s``
  and ``time_s``, the time of each position (seconds from the scenario start);
- one ``Point`` per battery, radar and asset, with properties ``id``, ``kind``, ``battery`` (a
  radar's) and the site's scene.json fields (``system``, ``type``, ``role``, ``max_range_m``,
  ``radius_m``, ``value``, ...).

Written with the standard ``json`` module, one feature per line; numbers as the run folder has them,
rounded to 1e-7 degree, 1 cm and 1 ms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samsim.output.exporters import Mover, RunData, Site, exporter, load_run


@exporter("geojson", suffix=".geojson", title="GeoJSON (RFC 7946)")
def write_geojson(run_folder: Path, out_file: Path) -> None:
    """Write the run folder as a GeoJSON FeatureCollection (see the module's docstring)."""
    collection = feature_collection(load_run(run_folder))
    features = collection.pop("features")
    head = json.dumps(collection, ensure_ascii=False, allow_nan=False)[:-1]  # without the closing brace
    body = ",\n".join(json.dumps(f, ensure_ascii=False, allow_nan=False) for f in features)
    out_file.write_text(f'{head}, "features": [\n{body}\n]}}\n', encoding="utf-8")


def feature_collection(run: RunData) -> dict[str, Any]:
    """The FeatureCollection of ``run`` as a dictionary."""
    return {
        "type": "FeatureCollection",
        "name": run.scenario,
        "description": run.description(),
        "features": [_mover(m) for m in run.movers] + [_site(s) for s in run.sites],
    }


def _mover(mover: Mover) -> dict[str, Any]:
    s = mover.samples
    coordinates = [
        [lon, lat, alt]
        for lon, lat, alt in zip(s.lon_deg.tolist(), s.lat_deg.tolist(), s.alt_m.tolist(), strict=True)
    ]
    if len(coordinates) >= 2:
        geometry: dict[str, Any] | None = {"type": "LineString", "coordinates": coordinates}
    elif coordinates:
        geometry = {"type": "Point", "coordinates": coordinates[0]}
    else:
        geometry = None  # never sampled (it started after the run ended): an unlocated feature
    return {
        "type": "Feature",
        "id": mover.key,
        "geometry": geometry,
        "properties": {
            **mover.fields(),
            "time_s": s.t_s.tolist(),
        },
    }


def _site(site: Site) -> dict[str, Any]:
    fields = {k: v for k, v in site.row.items() if k not in ("id", "lat_deg", "lon_deg", "alt_m", "radars")}
    return {
        "type": "Feature",
        "id": site.key,
        "geometry": {"type": "Point", "coordinates": [site.lon_deg, site.lat_deg, site.alt_m]},
        "properties": {"id": site.id, "kind": site.kind, "battery": site.battery, **fields},
    }
