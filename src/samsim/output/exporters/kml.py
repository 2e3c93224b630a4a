"""KML 2.2 for Google Earth (and other KML viewers), written with fastkml.

The document follows the OGC KML 2.2 standard and Google's ``gx`` extension for time-tagged tracks
(KML reference: https://developers.google.com/kml/documentation/kmlreference, ``<gx:Track>``
there); fastkml checks it against the OGC schema and the ``gx`` schema in the tests.

- ``<Document>``: ``name`` the scenario, ``description`` what the file holds, starting with the samsim
  mark; one shared ``<Style>`` per colour (the replay's colours, as KML's ``aabbggrr``).
- Folder *Threats* and folder *Interceptors*: one ``<Placemark>`` each, named by its id, whose geometry
  is a ``<gx:Track>`` with ``altitudeMode`` ``absolute`` (samsim's ``alt_m``, above mean sea level, as
  KML's absolute altitude is) and one ``<when>`` (:data:`~samsim.output.exporters.EPOCH` plus the
  sample's seconds, so Google Earth's time slider replays the run) and one ``<gx:coord>`` per sample;
  ``<ExtendedData>`` holds ``id``, ``kind``, ``type``, ``battery``, ``group``, ``target``, ``fate`` or
  ``result``, ``start_s`` and ``end_s``, and the description the summary.json row.
- Folder *Sites*: a ``<Point>`` placemark per battery and per radar; folder *Assets*: a point per
  asset and its leak radius as a ``<Polygon>`` on the ground.
- Folder *Radar ranges*: per radar a ``<Polygon>`` on the ground (``clampToGround``, tessellated), the
  circle of its maximum instrumented range, named so: it is not a detection footprint (the radar
  horizon, terrain and the target's RCS limit detection well inside it; ``samsim coverage`` maps
  those).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
from fastkml import (
    KML,
    Data,
    Document,
    ExtendedData,
    Folder,
    IconStyle,
    KmlDateTime,
    LabelStyle,
    LineStyle,
    Placemark,
    PolyStyle,
    Style,
    StyleUrl,
)
from fastkml.enums import AltitudeMode
from fastkml.geometry import Coordinates, LinearRing, OuterBoundaryIs, Point, Polygon
from fastkml.gx.track import Track, TrackItem
from pygeoif.geometry import Point as GeoPoint

from samsim.geodesy import geodesic_direct
from samsim.output.exporters import EPOCH, Mover, RunData, Site, exporter, load_run
from samsim.output.exporters._run import html_table, leak_note, range_note

ICON = "https://maps.google.com/mapfiles/kml/shapes/shaded_dot.png"
"""Google Earth's own round icon, tinted by each style's colour."""
CIRCLE_VERTICES = 120
"""Vertices of a range circle (every 3 degrees of azimuth)."""


@exporter("kml", suffix=".kml", title="KML 2.2 (Google Earth)")
def write_kml(run_folder: Path, out_file: Path) -> None:
    """Write the run folder as a KML document (see the module's docstring)."""
    document = kml_document(load_run(run_folder))
    text = document.to_string(prettyprint=True)
    out_file.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text, encoding="utf-8")


def kml_document(run: RunData) -> KML:
    """The KML document of ``run``."""
    styles: dict[str, Style] = {}

    def style(colour: str, *, width: float = 2.0, icon_scale: float = 0.6, label: float = 0.0) -> StyleUrl:
        """The shared style of one colour (and look): points, lines and outlines in it."""
        sid = f"s{colour[1:]}-{width:g}-{icon_scale:g}-{label:g}"
        if sid not in styles:
            styles[sid] = Style(
                id=sid,
                styles=[
                    IconStyle(color=abgr(colour), scale=icon_scale, icon_href=ICON),
                    LabelStyle(scale=label),
                    LineStyle(color=abgr(colour), width=width),
                    PolyStyle(color=abgr(colour, 0.25), fill=True, outline=True),
                ],
            )
        return StyleUrl(url=f"#{sid}")

    threats = [_track(m, style(m.colour, icon_scale=0.7)) for m in run.threats if len(m.samples)]
    interceptors = [_track(m, style(m.colour, icon_scale=0.5)) for m in run.interceptors if len(m.samples)]
    sites = [
        _point(
            s,
            style(
                s.colour if s.kind == "radar" else "#1c7ed6",
                icon_scale=1.0 if s.kind == "battery" else 0.6,
                label=0.9 if s.kind == "battery" else 0.0,
            ),
        )
        for s in [*run.batteries, *run.radars]
    ]
    assets: list[Placemark] = []
    for a in run.assets:
        assets.append(_point(a, style(a.colour, icon_scale=0.9, label=0.9)))
        radius = float(a.row.get("radius_m") or 0.0)
        if radius > 0:
            assets.append(
                _circle(
                    a,
                    radius,
                    f"{a.id} leak radius",
                    leak_note(a),
                    style(a.colour, width=1.5),
                )
            )
    ranges = [
        _circle(
            r,
            float(r.row["max_range_m"]),
            f"{r.id} maximum instrumented range",
            range_note(r),
            style(r.colour, width=1.5),
        )
        for r in run.radars
        if float(r.row.get("max_range_m") or 0.0) > 0
    ]
    folders = [
        Folder(name="Threats", features=threats),
        Folder(name="Interceptors", features=interceptors),
        Folder(name="Sites", features=sites),
        Folder(name="Assets", features=assets),
        Folder(name="Radar ranges", features=ranges, visibility=True),
    ]
    document = Document(
        name=run.scenario,
        description=run.description(),
        isopen=True,
        styles=list(styles.values()),
        features=folders,
    )
    return KML(features=[document])


def abgr(css: str, alpha: float = 1.0) -> str:
    """A CSS ``#rrggbb`` colour with an opacity as KML's ``aabbggrr``."""
    return f"{round(alpha * 255):02x}{css[5:7]}{css[3:5]}{css[1:3]}"


def when(t_s: float) -> KmlDateTime:
    """The KML time of ``t_s`` seconds from the scenario start."""
    return KmlDateTime(EPOCH + dt.timedelta(seconds=t_s))


def _track(mover: Mover, style_url: StyleUrl) -> Placemark:
    s = mover.samples
    items = [
        TrackItem(when=when(t), coord=GeoPoint(lon, lat, alt))  # no angle: Google Earth orients nothing
        for t, lon, lat, alt in zip(
            s.t_s.tolist(), s.lon_deg.tolist(), s.lat_deg.tolist(), s.alt_m.tolist(), strict=True
        )
    ]
    fields = {k: v for k, v in mover.fields().items() if v is not None}  # fate or result, not both
    return Placemark(
        name=mover.id,
        description=html_table(mover.row),
        style_url=style_url,
        extended_data=_data(fields),
        kml_geometry=Track(altitude_mode=AltitudeMode.absolute, track_items=items),
    )


def _point(site: Site, style_url: StyleUrl) -> Placemark:
    return Placemark(
        name=site.id,
        description=html_table(site.row),
        style_url=style_url,
        extended_data=_data({"id": site.id, "kind": site.kind, "battery": site.battery}),
        kml_geometry=Point(
            altitude_mode=AltitudeMode.absolute,
            kml_coordinates=Coordinates(coords=[(site.lon_deg, site.lat_deg, site.alt_m)]),
        ),
    )


def circle(
    lat_deg: float, lon_deg: float, radius_m: float, n: int = CIRCLE_VERTICES
) -> list[tuple[float, float]]:
    """A closed ring of ``n`` points at ``radius_m`` along geodesics (WGS-84), (lon, lat) degrees,
    counter-clockwise seen from above (east, then north, ...)."""
    azimuths = (90.0 - np.arange(n) * 360.0 / n) % 360.0
    lat, lon, _ = geodesic_direct(np.full(n, lat_deg), np.full(n, lon_deg), azimuths, np.full(n, radius_m))
    ring = [(round(float(x), 7), round(float(y), 7)) for x, y in zip(lon, lat, strict=True)]
    return [*ring, ring[0]]


def _circle(site: Site, radius_m: float, name: str, description: str, style_url: StyleUrl) -> Placemark:
    ring = LinearRing(kml_coordinates=Coordinates(coords=circle(site.lat_deg, site.lon_deg, radius_m)))
    return Placemark(
        name=name,
        description=description,
        style_url=style_url,
        extended_data=_data({"id": site.id, "kind": f"{site.kind}_circle", "radius_m": radius_m}),
        kml_geometry=Polygon(
            altitude_mode=AltitudeMode.clamp_to_ground,
            tessellate=True,
            outer_boundary=OuterBoundaryIs(kml_geometry=ring),
        ),
    )


def _data(fields: dict[str, Any]) -> ExtendedData:
    return ExtendedData(elements=[Data(name=k, value="" if v is None else str(v)) for k, v in fields.items()])
