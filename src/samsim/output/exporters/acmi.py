"""Tacview ACMI 2.2, the text flight-recording format that Tacview (and other debriefing tools) replay.

The file follows Tacview's public specification, *Technical Reference – ACMI flight recordings 2.2*
(https://www.tacview.net/documentation/acmi/en/):

- UTF-8 with a byte-order mark, LF line ends; the two mandatory header lines ``FileType=text/acmi/tacview``
  and ``FileVersion=2.2`` first.
- Global properties on object ``0``: ``ReferenceTime`` (:data:`~samsim.output.exporters.EPOCH`, since a
  scenario gives no calendar time), ``DataSource``, ``DataRecorder``, ``Author=samsim``, ``Title`` (the
  scenario), ``Category`` and ``Comments`` (what the file holds, starting with the samsim mark).
- Time frames ``#t``, t in seconds from ``ReferenceTime`` (samsim's seconds from the scenario start),
  to the millisecond, in increasing order.
- Objects by hexadecimal id (no prefix, no leading zeros), ``T=Longitude|Latitude|Altitude`` in degrees
  and metres above mean sea level (samsim's ``alt_m``); a component that did not change since the
  object's previous line is left empty, as the specification allows. The first line of an object
  carries its properties: ``Type`` (tags of the specification), ``Name`` (the catalog type, for
  Tacview's object database), ``CallSign`` (the samsim id), ``Group``, ``Coalition`` and ``Color``
  (the defence ``Allies``/``Blue``, assets ``Green``, the threats ``Enemies``/``Red``); an interceptor
  adds ``Parent`` (its battery) and ``LockedTarget`` (the threat it was fired at).
- ``-id`` removes an object in the frame of its last sample: a threat at its kill, leak or the end of
  its flight, an interceptor at the end of its flight.
- Events are ``0,Event=Type|id|...|text`` lines: ``Destroyed`` for a kill, ``Bookmark`` for a leak,
  ``LeftArea`` for a threat removed without being destroyed (so that Tacview does not count it
  destroyed), ``Message`` for each radar's first detection of each threat, firm tracks made and
  dropped, launches, misses and self-destructions. Commas in text are escaped with ``\\``.

Objects by type: threats by their scene ``kind`` (aircraft ``Medium+Air+FixedWing``, drone
``Light+Air+FixedWing``, cruise missile ``Weapon+Missile``, ballistic missile ``Heavy+Weapon+Missile``),
interceptors ``Weapon+Missile``, batteries ``Ground+Static+AntiAircraft``, radars
``Ground+Static+Sensor``, assets ``Ground+Static+Building``. Tracks (the batteries' estimates) are
not exported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from samsim._version import __version__
from samsim.output.exporters import Mover, RunData, Site, exporter, iso, load_run

THREAT_TYPES = {
    "aircraft": "Medium+Air+FixedWing",
    "drone": "Light+Air+FixedWing",
    "cruise_missile": "Weapon+Missile",
    "ballistic": "Heavy+Weapon+Missile",
    "arm": "Weapon+Missile",
}
"""Tacview type tags by the threat's ``kind`` in scene.json (decoys show as the aircraft they mimic)."""
SITE_TYPES = {
    "battery": "Ground+Static+AntiAircraft",
    "radar": "Ground+Static+Sensor",
    "asset": "Ground+Static+Building",
}
INTERCEPTOR_TYPE = "Weapon+Missile"

# Order of the lines within a frame: positions and properties, then events, then removals (an event
# may name an object removed in the same frame).
_PLACE, _EVENT, _REMOVE = 0, 1, 2

Add = Callable[[float, int, str], None]
"""``add(time_s, order in frame, line)``."""


@exporter("acmi", suffix=".acmi", title="Tacview ACMI 2.2")
def write_acmi(run_folder: Path, out_file: Path) -> None:
    """Write the run folder as a Tacview ACMI 2.2 text recording (see the module's docstring)."""
    text = acmi_text(load_run(run_folder))
    # utf-8-sig writes the byte-order mark the specification suggests.
    with out_file.open("w", encoding="utf-8-sig", newline="\n") as f:
        f.write(text)


def acmi_text(run: RunData) -> str:
    """The recording of ``run`` as ACMI 2.2 text."""
    ids = object_ids(run)
    lines: list[tuple[int, int, int, str]] = []  # (time ms, order in frame, sequence, line)

    def add(t_s: float, order: int, line: str) -> None:
        lines.append((round(t_s * 1000), order, len(lines), line))

    for site in run.sites:
        add(
            0.0,
            _PLACE,
            f"{ids[site.key]},T={_position(site.lon_deg, site.lat_deg, site.alt_m)},{_site_properties(site)}",
        )
    for mover in run.movers:
        _add_mover(mover, ids, add)
    for t_s, line in _events(run, ids):
        add(t_s, _EVENT, line)

    out = [
        "FileType=text/acmi/tacview",
        "FileVersion=2.2",
        f"0,ReferenceTime={iso(0.0)}",
        f"0,DataSource={_text('samsim ' + run.samsim_version)}",
        f"0,DataRecorder={_text('samsim ' + __version__)}",
        "0,Author=samsim",
        f"0,Title={_text(run.scenario)}",
        "0,Category=Air defence simulation",
        f"0,Comments={_text(run.description())}",
    ]
    frame: int | None = None
    for t_ms, _, _, line in sorted(lines):
        if t_ms != frame:
            frame = t_ms
            out.append(f"#{_number(t_ms / 1000, 3)}")
        out.append(line)
    return "\n".join(out) + "\n"


def object_ids(run: RunData) -> dict[str, str]:
    """Hexadecimal object ids by entity key, from 1 (0 is the global object): sites, threats,
    interceptors."""
    keys = [s.key for s in run.sites] + [m.key for m in run.movers]
    return {key: f"{n:X}" for n, key in enumerate(keys, start=1)}


def _site_properties(site: Site) -> str:
    if site.kind == "battery":
        name, group, side = str(site.row.get("system") or site.id), site.id, "Allies,Color=Blue"
    elif site.kind == "radar":
        name, group, side = str(site.row.get("type") or site.id), str(site.battery), "Allies,Color=Blue"
    else:
        name, group, side = site.id, "assets", "Allies,Color=Green"
    return (
        f"Type={SITE_TYPES[site.kind]},Name={_text(name)},CallSign={_text(site.id)},Group={_text(group)},"
        f"Coalition={side}"
    )


def _mover_properties(mover: Mover, ids: dict[str, str]) -> str:
    if mover.kind == "threat":
        kind = THREAT_TYPES.get(mover.category, THREAT_TYPES["aircraft"])
        return (
            f"Type={kind},Name={_text(mover.type)},CallSign={_text(mover.id)},"
            f"Group={_text(mover.group or mover.id)},Coalition=Enemies,Color=Red"
        )
    parent = ids.get(f"battery:{mover.battery}")
    target = ids.get(f"threat:{mover.target}")  # None for a shot at a false track
    return (
        f"Type={INTERCEPTOR_TYPE},Name={_text(mover.type)},CallSign={_text(mover.id)},"
        f"Group={_text(mover.battery or '')},Coalition=Allies,Color=Blue"
        + (f",Parent={parent}" if parent else "")
        + (f",LockedTarget={target}" if target else "")
    )


def _add_mover(mover: Mover, ids: dict[str, str], add: Add) -> None:
    s = mover.samples
    if not len(s):
        return
    oid = ids[mover.key]
    previous: tuple[str, ...] = ()
    for i in range(len(s)):
        parts = (
            _number(float(s.lon_deg[i]), 7),
            _number(float(s.lat_deg[i]), 7),
            _number(float(s.alt_m[i]), 2),
        )
        # A component equal to the one on the object's previous line is left empty, as the
        # specification allows: ground sites and level flight shrink a lot.
        shown = (
            parts
            if not previous
            else tuple("" if a == b else a for a, b in zip(parts, previous, strict=True))
        )
        previous = parts
        line = f"{oid},T={'|'.join(shown)}" + (f",{_mover_properties(mover, ids)}" if i == 0 else "")
        add(float(s.t_s[i]), _PLACE, line)
    add(float(s.t_s[-1]), _REMOVE, f"-{oid}")


def _events(run: RunData, ids: dict[str, str]) -> Iterator[tuple[float, str]]:
    """``(time_s, line)`` of every event line (the module's docstring lists them)."""

    def event(kind: str, keys: list[str | None], text: str) -> str:
        refs = [ids[k] for k in keys if k is not None and k in ids]
        return "0,Event=" + "|".join([kind, *refs, _text(text)])

    def detail(d: str | None) -> str:
        return f" ({d})" if d else ""

    seen: set[tuple[str | None, str | None, str | None]] = set()
    for e in run.events:
        threat = f"threat:{e.threat}" if e.threat else None
        battery = f"battery:{e.battery}" if e.battery else None
        interceptor = f"interceptor:{e.interceptor}" if e.interceptor else None
        aim = e.threat or e.track or "?"
        if e.kind == "detect":
            if (e.battery, e.radar, e.threat) in seen:
                continue
            seen.add((e.battery, e.radar, e.threat))
            radar = f"radar:{e.battery}/{e.radar}"
            text = f"{e.battery}/{e.radar} detects {e.threat} for the first time{detail(e.detail)}"
            yield e.time_s, event("Message", [threat, radar], text)
        elif e.kind in ("track_confirm", "track_drop"):
            verb = "holds a firm track" if e.kind == "track_confirm" else "drops the track"
            what = f"on {e.threat}" if e.threat else "(false track)"
            yield e.time_s, event("Message", [threat, battery], f"{e.battery} {verb} {e.track} {what}")
        elif e.kind == "launch":
            text = f"{e.battery} launches {e.interceptor} at {aim}{detail(e.detail)}"
            yield e.time_s, event("Message", [interceptor, threat], text)
        elif e.kind == "kill":
            text = f"{e.threat} killed by {e.interceptor}{detail(e.detail)}"
            yield e.time_s, event("Destroyed", [threat, interceptor], text)
        elif e.kind == "miss":
            yield (
                e.time_s,
                event("Message", [interceptor, threat], f"{e.interceptor} misses {aim}{detail(e.detail)}"),
            )
        elif e.kind == "self_destruct":
            text = f"{e.interceptor} self-destructs{detail(e.detail)}"
            yield e.time_s, event("Message", [interceptor], text)
        elif e.kind == "leak":
            yield e.time_s, event("Bookmark", [threat], f"{e.threat} leaked{detail(e.detail)}")
    # Threats removed without being destroyed leave the area: Tacview would count a bare removal
    # as a destruction.
    for m in run.threats:
        if len(m.samples) and m.outcome != "killed":
            end = "leaked" if m.outcome == "leaked" else "survived: its flight or the run ended"
            yield float(m.samples.t_s[-1]), event("LeftArea", [m.key], f"{m.id} {end}")


def _position(lon: float, lat: float, alt: float) -> str:
    return f"{_number(lon, 7)}|{_number(lat, 7)}|{_number(alt, 2)}"


def _number(x: float, digits: int) -> str:
    """``x`` to ``digits`` decimals without trailing zeros (``12.5``, ``3``)."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text(value: str) -> str:
    """A text property value: commas escaped with a backslash, as the specification requires, and
    line ends (which would end the record) as spaces."""
    return value.replace("\r", " ").replace("\n", " ").replace(",", "\\,")
