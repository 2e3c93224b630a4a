"""CZML, the JSON scene format of Cesium (CesiumJS and any viewer built on it), written with czml3.

The document follows the CZML guide (https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide;
packet properties in https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/Packet):

- The first packet is the document packet (``id`` ``document``, ``version`` 1.0, ``name`` the
  scenario, ``description`` what the file holds, starting with the samsim mark) with a ``clock`` over
  the run: from :data:`~samsim.output.exporters.EPOCH` (t = 0) to the end of the run, 30 simulated
  seconds per second as in the replay, clamped at the ends.
- One packet per threat and interceptor (``threat:<id>``, ``interceptor:<id>``, as the replay names
  its entities) with ``availability`` from its first to its last sample and a sampled ``position``:
  ``epoch`` t = 0 and ``cartographicDegrees`` ``[t, longitude, latitude, height, ...]``, t in seconds
  from the scenario start, linear interpolation. The height is samsim's ``alt_m`` (above mean sea
  level), as the replay draws it; CZML's reference is the WGS-84 ellipsoid, tens of metres away.
  Each has a ``point``, a trailing ``path`` and a ``label`` (hidden, as in the replay; a viewer's info
  box shows the ``name`` and the ``description`` table), coloured as the replay colours its side and
  outcome.
- A point marker at each kill and leak (``marker:kill:<threat>``, ``marker:leak:<threat>``), shown
  from that moment on.
- Batteries (``battery:<id>``), radars (``radar:<battery>/<radar>``) and assets (``asset:<id>``) as
  fixed points; each asset's leak radius (``area:<id>``) and each radar's maximum instrumented range
  (``range:<battery>/<radar>``, an outline only: not a detection footprint, which ``samsim coverage``
  computes) as ellipses at the site's altitude.

No billboards: everything is a point, so the file needs no images.
"""

from __future__ import annotations

import html
from pathlib import Path

from czml3 import CZML_VERSION, Document, Packet
from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms
from czml3.properties import (
    Clock,
    Color,
    Ellipse,
    Label,
    Material,
    Point,
    PolylineMaterial,
    Position,
    SolidColorMaterial,
)
from czml3.properties import Path as CzmlPath  # not pathlib's
from czml3.types import Cartesian2Value, TimeInterval

from samsim.output.exporters import Mover, RunData, Site, exporter, iso, load_run
from samsim.output.exporters._run import (
    ASSET_COLOUR,
    BATTERY_OUTLINE,
    MARKER_COLOURS,
    html_table,
    leak_note,
    range_note,
)

CLOCK_MULTIPLIER = 30
"""Simulated seconds per second of the document clock: the replay's default speed."""
BLACK = [0, 0, 0, 255]
WHITE = [255, 255, 255, 255]


@exporter("czml", suffix=".czml", title="CZML (Cesium)")
def write_czml(run_folder: Path, out_file: Path) -> None:
    """Write the run folder as a CZML document (see the module's docstring)."""
    document = czml_document(load_run(run_folder))
    # One packet per line: compact, yet a reader can find a packet with grep.
    packets = [p.dumps() for p in document.packets]
    out_file.write_text("[\n" + ",\n".join(packets) + "\n]\n", encoding="utf-8")


def czml_document(run: RunData) -> Document:
    """The CZML document of ``run``, validated by czml3."""
    preamble = Packet(
        id="document",
        name=run.scenario,
        version=CZML_VERSION,
        description=html.escape(run.description(), quote=False),
        clock=Clock(
            interval=TimeInterval(start=iso(0.0), end=iso(run.duration_s)),
            currentTime=iso(0.0),
            multiplier=CLOCK_MULTIPLIER,
            range=ClockRanges.CLAMPED,
            step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER,
        ),
    )
    packets = [preamble]
    for site in run.sites:
        packets += _site_packets(site)
    for mover in run.movers:
        packets += _mover_packets(mover, run.duration_s)
    return Document(packets=packets)


def rgba(css: str, alpha: float = 1.0) -> list[int]:
    """A CSS ``#rrggbb`` colour with an opacity as CZML ``rgba`` (0-255 each)."""
    return [int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), round(alpha * 255)]


def _mover_packets(mover: Mover, duration_s: float) -> list[Packet]:
    s = mover.samples
    if not len(s):
        return []
    threat = mover.kind == "threat"
    samples: list[float] = []
    for t, lon, lat, alt in zip(
        s.t_s.tolist(), s.lon_deg.tolist(), s.lat_deg.tolist(), s.alt_m.tolist(), strict=True
    ):
        samples += [t, lon, lat, alt]
    packet = Packet(
        id=mover.key,
        name=mover.id,
        description=html_table(mover.row),
        availability=TimeInterval(start=iso(float(s.t_s[0])), end=iso(float(s.t_s[-1]))),
        # czml3 declares epoch and interpolationAlgorithm on a pydantic mixin that mypy does not see
        # as constructor arguments; pydantic accepts them.
        position=Position(  # type: ignore[call-arg]
            epoch=iso(0.0), cartographicDegrees=samples, interpolationAlgorithm=InterpolationAlgorithms.LINEAR
        ),
        point=_point(9 if threat else 7, rgba(mover.colour), BLACK, 1),
        path=CzmlPath(
            leadTime=0,
            trailTime=240 if threat else 120,
            width=2,
            resolution=2,
            material=PolylineMaterial(
                solidColor=SolidColorMaterial(color=Color(rgba=rgba(mover.colour, 0.9)))
            ),
        ),
        label=_label(mover.id, "12px sans-serif", WHITE, rgba("#000000", 0.55), [0, -16], show=False),
    )
    packets = [packet]
    marker = {"killed": "kill", "leaked": "leak"}.get(mover.outcome or "") if threat else None
    if marker is not None:
        end = float(s.t_s[-1])
        packets.append(
            Packet(
                id=f"marker:{marker}:{mover.id}",
                name=f"{mover.id} {mover.outcome}",
                availability=TimeInterval(start=iso(end), end=iso(max(duration_s, end))),
                position=Position(
                    cartographicDegrees=[float(s.lon_deg[-1]), float(s.lat_deg[-1]), float(s.alt_m[-1])]
                ),
                point=_point(12, rgba(MARKER_COLOURS[marker]), BLACK, 2),
            )
        )
    return packets


def _site_packets(site: Site) -> list[Packet]:
    if site.kind == "battery":
        label = _label(site.id, "bold 13px sans-serif", WHITE, rgba("#1c3d5a", 0.8), [0, -20])
        return [_site_point(site, _point(13, WHITE, rgba(BATTERY_OUTLINE), 3), label)]
    if site.kind == "asset":
        label = _label(site.id, "13px sans-serif", rgba("#d3f9d8"), rgba("#000000", 0.5), [0, 18])
        packets = [_site_point(site, _point(10, rgba(ASSET_COLOUR), BLACK, 2), label)]
        radius = float(site.row.get("radius_m") or 0.0)
        if radius > 0:
            packets.append(
                _circle(site, f"area:{site.id}", f"{site.id} leak radius", leak_note(site), radius)
            )
        return packets
    name = str(site.row.get("type") or site.id)
    label = _label(name, "11px sans-serif", rgba(site.colour), None, [0, 14], show=False)
    packets = [_site_point(site, _point(7, rgba(site.colour), BLACK, 1), label)]
    reach = float(site.row.get("max_range_m") or 0.0)
    if reach > 0:
        name = f"{site.id} maximum instrumented range"
        packets.append(_circle(site, f"range:{site.id}", name, range_note(site), reach, fill=False))
    return packets


def _site_point(site: Site, point: Point, label: Label) -> Packet:
    return Packet(
        id=site.key,
        name=site.id,
        description=html_table(site.row),
        position=Position(cartographicDegrees=[site.lon_deg, site.lat_deg, site.alt_m]),
        point=point,
        label=label,
    )


def _point(size: float, colour: list[int], outline: list[int], outline_width: float) -> Point:
    return Point(
        pixelSize=size, color=Color(rgba=colour), outlineColor=Color(rgba=outline), outlineWidth=outline_width
    )


def _circle(site: Site, pid: str, name: str, note: str, radius_m: float, *, fill: bool = True) -> Packet:
    """An ellipse of radius ``radius_m`` around ``site`` at its altitude: filled translucent, or an
    outline only."""
    return Packet(
        id=pid,
        name=name,
        description=f"<p>{html.escape(note, quote=False)}</p>",
        position=Position(cartographicDegrees=[site.lon_deg, site.lat_deg, site.alt_m]),
        ellipse=Ellipse(
            semiMajorAxis=radius_m,
            semiMinorAxis=radius_m,
            height=site.alt_m,
            fill=fill,
            material=Material(solidColor=SolidColorMaterial(color=Color(rgba=rgba(site.colour, 0.25))))
            if fill
            else None,
            outline=True,
            outlineColor=Color(rgba=rgba(site.colour, 0.9)),
        ),
    )


def _label(
    text: str,
    font: str,
    fill: list[int],
    background: list[int] | None,
    offset: list[float],
    *,
    show: bool = True,
) -> Label:
    return Label(
        text=text,
        show=show,
        font=font,
        fillColor=Color(rgba=fill),
        showBackground=background is not None,
        backgroundColor=Color(rgba=background) if background is not None else None,
        pixelOffset=Cartesian2Value(values=offset),
    )
