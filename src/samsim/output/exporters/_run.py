"""A run folder as the exporters read it: who flew where and when, the sites, and what happened.

Every exporter starts from :func:`load_run`, so the four formats agree on the entities, their
order, their sampled positions (rounded alike: 1 ms, 1e-7 degree, 1 cm) and their colours.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from samsim._version import __version__
from samsim.arrays import FloatArray

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""What t = 0 is in formats that need a calendar time. Scenarios carry none, so every export starts at
the epoch the web replay uses (``src/samsim/web/frontend/src/replay/convert.js``)."""

MARK = "Written by samsim"
"""The mark of a samsim export: every format writes it in its header (within the first 4 KiB)."""
WRITTEN_BY = f"{MARK} {__version__}"
"""Opens the description each format carries in its header."""

RUN_FILES = ("summary.json", "scene.json", "trajectories.parquet", "events.parquet")
"""What an export reads from a run folder (``report.html`` is not needed)."""

TIME_DIGITS, DEG_DIGITS, ALT_DIGITS = 3, 7, 2
"""Rounding of exported samples: milliseconds, 1e-7 degree (about 1 cm), centimetres."""

# Colours of the web replay (src/samsim/web/frontend/src/ui.js and replay/entities.js), as CSS hex.
THREAT_COLOURS = {"leaked": "#ff3b30", "killed": "#ffa94d", "survived": "#ffd43b"}
INTERCEPTOR_COLOURS = {"kill": "#4dabf7", "miss": "#adb5bd", "self-destruct": "#b197fc"}
OTHER_COLOURS = {"threat": "#ff8787", "interceptor": "#74c0fc"}
RADAR_COLOURS = {
    "acquisition": "#74c0fc",
    "engagement": "#ff922b",
    "low-altitude": "#69db7c",
    "early-warning": "#ffd43b",
}
RADAR_OTHER_COLOUR = "#e599f7"
ASSET_COLOUR = "#51cf66"
BATTERY_COLOUR, BATTERY_OUTLINE = "#ffffff", "#1c7ed6"
MARKER_COLOURS = {"kill": "#ffa94d", "leak": "#ff3b30"}


class RunFolderError(ValueError):
    """A folder that is not a readable ``samsim run`` folder; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Samples:
    """Sampled positions of one entity, strictly increasing in time."""

    t_s: FloatArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    alt_m: FloatArray

    def __len__(self) -> int:
        return int(self.t_s.size)


@dataclass(frozen=True)
class Mover:
    """A threat or an interceptor: its summary.json row and its trajectory.

    Attributes
    ----------
    id
        Threat or interceptor id.
    kind
        ``threat`` or ``interceptor``.
    type
        Catalog type (``F-16C``, ``48N6E3``).
    category
        A threat's ``kind`` in scene.json (``aircraft``, ``cruise_missile``, ``drone``, ``ballistic``);
        ``interceptor`` for interceptors.
    battery
        The battery that fired an interceptor; None for threats.
    group
        A threat's scenario entry; the battery for interceptors.
    target
        A threat's target asset (or None); the threat id or false-track name an interceptor was fired at.
    outcome
        A threat's ``fate`` or an interceptor's ``result`` (None while unknown).
    outcome_s
        ``fate_s`` of a threat, ``end_s`` of an interceptor.
    samples
        The trajectory (``trajectories.parquet``), rounded as the exports write it.
    row
        The summary.json object.
    """

    id: str
    kind: Literal["threat", "interceptor"]
    type: str
    category: str
    battery: str | None
    group: str | None
    target: str | None
    outcome: str | None
    outcome_s: float | None
    samples: Samples
    row: dict[str, Any]

    @property
    def key(self) -> str:
        """``kind:id``, unique across kinds (an interceptor id never equals a threat id, but says so)."""
        return f"{self.kind}:{self.id}"

    @property
    def colour(self) -> str:
        """The replay's colour for this side and outcome, CSS hex."""
        table = THREAT_COLOURS if self.kind == "threat" else INTERCEPTOR_COLOURS
        return table.get(self.outcome or "", OTHER_COLOURS[self.kind])

    def fields(self) -> dict[str, Any]:
        """What the exports say about it besides where it flew: ``id``, ``kind``, ``type``, ``battery``,
        ``group``, ``target``, ``fate`` (threats) or ``result`` (interceptors) with the other None,
        ``start_s``, ``end_s``."""
        threat = self.kind == "threat"
        return {
            "id": self.id,
            "kind": self.kind,
            "type": self.type,
            "battery": self.battery,
            "group": self.group,
            "target": self.target,
            "fate": self.outcome if threat else None,
            "result": None if threat else self.outcome,
            "start_s": self.start_s,
            "end_s": self.end_s,
        }

    @property
    def start_s(self) -> float | None:
        return float(self.samples.t_s[0]) if len(self.samples) else None

    @property
    def end_s(self) -> float | None:
        return float(self.samples.t_s[-1]) if len(self.samples) else None


@dataclass(frozen=True)
class Site:
    """A battery, a radar or an asset: a fixed point with its scene.json object.

    ``id`` is the battery or asset id, or ``<battery>/<radar>`` for a radar.
    """

    id: str
    kind: Literal["battery", "radar", "asset"]
    lat_deg: float
    lon_deg: float
    alt_m: float
    battery: str | None
    row: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def colour(self) -> str:
        if self.kind == "asset":
            return ASSET_COLOUR
        if self.kind == "battery":
            return BATTERY_COLOUR
        return RADAR_COLOURS.get(str(self.row.get("role")), RADAR_OTHER_COLOUR)


@dataclass(frozen=True)
class Event:
    """One row of events.parquet (docs/outputs.md); absent columns are None."""

    time_s: float
    kind: str
    battery: str | None
    radar: str | None
    threat: str | None
    track: str | None
    interceptor: str | None
    detail: str | None


@dataclass(frozen=True)
class RunData:
    """What the exporters read from a run folder.

    ``threats`` are in summary.json order, ``interceptors`` in launch order, sites as batteries (each
    followed by its radars) then assets, in scene.json order.
    """

    folder: Path
    scenario: str
    seed: int
    run: int | None
    duration_s: float
    samsim_version: str
    totals: dict[str, int]
    threats: list[Mover]
    interceptors: list[Mover]
    batteries: list[Site]
    radars: list[Site]
    assets: list[Site]
    events: list[Event]

    @property
    def movers(self) -> list[Mover]:
        return [*self.threats, *self.interceptors]

    @property
    def sites(self) -> list[Site]:
        return [*self.batteries, *self.radars, *self.assets]

    def description(self) -> str:
        """One line for a format's header: who wrote it, from what, and what the times mean."""
        t = self.totals
        run = f", Monte Carlo run {self.run}" if self.run is not None else ""
        return (
            f"{WRITTEN_BY} from the run folder {self.folder.name} (scenario {self.scenario}, "
            f"seed {self.seed}{run}, written by samsim {self.samsim_version}): "
            f"{t.get('threats', 0)} threats, {t.get('killed', 0)} killed, {t.get('leaked', 0)} leaked, "
            f"{t.get('survived', 0)} survived; {t.get('interceptors_fired', 0)} interceptors fired. "
            f"Times count from the scenario start, placed at {iso(0.0)}."
        )


def iso(t_s: float) -> str:
    """``EPOCH + t_s`` as ISO 8601 UTC with a ``Z``, to the millisecond when not whole."""
    moment = EPOCH + dt.timedelta(seconds=round(t_s, TIME_DIGITS))
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def range_note(radar: Site) -> str:
    """What a radar's range circle is, and is not."""
    reach_km = float(radar.row.get("max_range_m") or 0.0) / 1000
    return (
        f"{radar.id}: maximum instrumented range, {reach_km:,.0f} km, drawn as a circle. Not a detection "
        "footprint: the radar horizon, terrain and the target's RCS limit detection well inside it "
        "(samsim coverage maps those)."
    )


def leak_note(asset: Site) -> str:
    """What an asset's circle is."""
    return f"Threats aimed at {asset.id} leak inside {float(asset.row.get('radius_m') or 0.0):,.0f} m."


def html_table(row: dict[str, Any]) -> str:
    """An HTML table of a summary.json or scene.json object, for a viewer's info box (nested lists,
    such as a battery's radars, left out: those have their own entries)."""
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_cell(v))}</td></tr>"
        for k, v in row.items()
        if not isinstance(v, list)
    )
    return f"<table>{cells}</table>"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return json.dumps(value) if isinstance(value, dict) else str(value)


def folder_problems(folder: Path) -> list[str]:
    """Why ``folder`` cannot be exported (one line each); empty for a run folder."""
    if not folder.exists():
        return [f"{folder}: no such folder"]
    if not folder.is_dir():
        return [f"{folder}: not a folder; give the folder `samsim run` wrote"]
    if (folder / "results.duckdb").is_file() or (folder / "runs.parquet").is_file():
        return [
            f"{folder}: a Monte Carlo study folder, not a run folder; write one of its runs with "
            "`samsim run SCENARIO -o OUT --seed S --run I` and export OUT"
        ]
    missing = [name for name in RUN_FILES if not (folder / name).is_file()]
    if missing:
        return [f"{folder}: not a run folder of `samsim run` (no {', '.join(missing)})"]
    return []


def load_run(folder: Path) -> RunData:
    """Read the run folder ``folder``.

    Raises
    ------
    RunFolderError
        When ``folder`` is not a run folder, or one of its files cannot be read.
    """
    problems = folder_problems(folder)
    if problems:
        raise RunFolderError(problems)
    summary = _json(folder / "summary.json", ("threats", "interceptors", "scenario", "seed", "duration_s"))
    scene = _json(folder / "scene.json", ("batteries", "assets", "threats"))
    trajectories = _parquet(
        folder / "trajectories.parquet", ("time_s", "entity", "kind", "lat_deg", "lon_deg", "alt_m")
    )
    events = _parquet(folder / "events.parquet", ("time_s", "kind", "threat", "interceptor"))
    try:
        return _assemble(folder, summary, scene, _paths(trajectories), events)
    except (KeyError, TypeError, ValueError) as exc:  # a hand-edited or foreign file
        what = f"{type(exc).__name__}: {exc}"
        raise RunFolderError(
            [f"{folder}: summary.json or scene.json is not as `samsim run` writes it ({what})"]
        ) from None


def _assemble(
    folder: Path,
    summary: dict[str, Any],
    scene: dict[str, Any],
    paths: dict[tuple[str, str], Samples],
    events: pa.Table,
) -> RunData:
    empty = Samples(*(np.empty(0) for _ in range(4)))
    scene_threats = {str(t["id"]): t for t in scene["threats"]}

    threats = []
    for row in summary["threats"]:
        tid = str(row["id"])
        info = scene_threats.get(tid, {})
        threats.append(
            Mover(
                id=tid,
                kind="threat",
                type=str(row["type"]),
                category=str(info.get("kind") or "aircraft"),
                battery=None,
                group=_opt(info.get("group")),
                target=_opt(info.get("target")),
                outcome=_opt(row.get("fate")),
                outcome_s=_num(row.get("fate_s")),
                samples=paths.get(("threat", tid), empty),
                row=row,
            )
        )
    interceptors = [
        Mover(
            id=str(row["id"]),
            kind="interceptor",
            type=str(row["type"]),
            category="interceptor",
            battery=str(row["battery"]),
            group=str(row["battery"]),
            target=_opt(row.get("target")),
            outcome=_opt(row.get("result")),
            outcome_s=_num(row.get("end_s")),
            samples=paths.get(("interceptor", str(row["id"])), empty),
            row=row,
        )
        for row in sorted(summary["interceptors"], key=lambda r: (float(r["launch_s"]), _natural(r["id"])))
    ]

    batteries, radars = [], []
    for b in scene["batteries"]:
        batteries.append(_site(b, "battery", str(b["id"]), None))
        radars += [_site(r, "radar", f"{b['id']}/{r['id']}", str(b["id"])) for r in b.get("radars", [])]
    assets = [_site(a, "asset", str(a["id"]), None) for a in scene["assets"]]

    n = events.num_rows

    def column(name: str) -> list[Any]:
        return events.column(name).to_pylist() if name in events.column_names else [None] * n

    time_s, kind, battery, radar, threat, track, interceptor, detail = (
        column(name)
        for name in ("time_s", "kind", "battery", "radar", "threat", "track", "interceptor", "detail")
    )
    event_list = [
        Event(
            float(time_s[i]),
            str(kind[i]),
            _opt(battery[i]),
            _opt(radar[i]),
            _opt(threat[i]),
            _opt(track[i]),
            _opt(interceptor[i]),
            _opt(detail[i]),
        )
        for i in range(n)
    ]
    return RunData(
        folder=folder,
        scenario=str(summary["scenario"]),
        seed=int(summary["seed"]),
        run=summary.get("run"),
        duration_s=float(summary["duration_s"]),
        samsim_version=str(summary.get("samsim_version", "")),
        totals={k: int(v) for k, v in summary.get("totals", {}).items()},
        threats=threats,
        interceptors=interceptors,
        batteries=batteries,
        radars=radars,
        assets=assets,
        events=event_list,
    )


def _json(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunFolderError([f"{path}: cannot be read as JSON ({exc})"]) from None
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise RunFolderError([f"{path}: not the {path.name} of a samsim run (needs {', '.join(keys)})"])
    return data


def _parquet(path: Path, columns: tuple[str, ...]) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise RunFolderError([f"{path}: cannot be read as Parquet ({exc})"]) from None
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise RunFolderError(
            [f"{path}: not the {path.name} of a samsim run (no column {', '.join(missing)})"]
        )
    return table


def _paths(table: pa.Table) -> dict[tuple[str, str], Samples]:
    """Threat and interceptor rows by (kind, entity), rounded, in time order, one row per rounded time
    (the later one: an entity's last row is its fate or end, which the exports must show)."""
    frame = table.select(["kind", "entity", "time_s", "lat_deg", "lon_deg", "alt_m"]).to_pandas()
    frame = frame[frame["kind"].isin(["threat", "interceptor"])].round(
        {"time_s": TIME_DIGITS, "lat_deg": DEG_DIGITS, "lon_deg": DEG_DIGITS, "alt_m": ALT_DIGITS}
    )
    frame = frame.sort_values(["kind", "entity", "time_s"], kind="stable").drop_duplicates(
        ["kind", "entity", "time_s"], keep="last"
    )
    out: dict[tuple[str, str], Samples] = {}
    for (kind, entity), rows in frame.groupby(["kind", "entity"], sort=False):
        out[(str(kind), str(entity))] = Samples(
            *(rows[c].to_numpy(np.float64) for c in ("time_s", "lat_deg", "lon_deg", "alt_m"))
        )
    return out


def _site(
    row: dict[str, Any], kind: Literal["battery", "radar", "asset"], sid: str, battery: str | None
) -> Site:
    return Site(
        id=sid,
        kind=kind,
        lat_deg=round(float(row["lat_deg"]), DEG_DIGITS),
        lon_deg=round(float(row["lon_deg"]), DEG_DIGITS),
        alt_m=round(float(row["alt_m"]), ALT_DIGITS),
        battery=battery,
        row=row,
    )


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _natural(text: str) -> tuple[str, int]:
    """Order ``bat/48N6E3/2`` before ``bat/48N6E3/10``."""
    m = re.fullmatch(r"(.*?)(\d+)", text)
    return (m.group(1), int(m.group(2))) if m else (text, -1)
