"""The ``detail`` strings of events.parquet, written and read in one place.

A ``detail`` is ``key=value`` pairs separated by ``; `` (docs/outputs.md, events.parquet). One table,
``DETAIL_FORMATS``, declares the structured ones (each kind's fields, their types and how they are
written); the engine writes them with the ``format_*`` functions below and every reader (CLI,
report.html, the replay) parses them with the matching ``parse_*`` function, both following the same
entry, so the two sides cannot drift apart.

| kind | detail |
|---|---|
| ``magazine_empty`` | ``type=48N6E3`` |
| ``reload`` | ``type=48N6E3; count=4; launcher=2`` |
| ``jam_strobe`` | ``az_deg=123.4; el_deg=1.2; jnr_db=17.3`` |
| ``move_start``, ``move_end`` | ``to_lat_deg=40.10000; to_lon_deg=32.75000; to_alt_m=950; \
distance_km=13.9; at_s=600.0; stowed_s=900.0; arrived_s=2570.6; ready_s=2870.6`` |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = [
    "DETAIL_FORMATS",
    "DetailError",
    "DetailFormat",
    "Field",
    "JamStrobe",
    "Move",
    "Reload",
    "format_jam_strobe",
    "format_magazine_empty",
    "format_move",
    "format_reload",
    "interceptor_battery_type",
    "parse_detail",
    "parse_jam_strobe",
    "parse_magazine_empty",
    "parse_move",
    "parse_reload",
]


class DetailError(ValueError):
    """A ``detail`` string without a field its event kind requires, or with a malformed value."""


def parse_detail(detail: str | None) -> dict[str, str]:
    """The ``key=value`` pairs of a detail string; parts without ``=`` (free text) are left out."""
    out: dict[str, str] = {}
    for part in (detail or "").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class Reload:
    """A ``reload`` event: ``count`` rounds of ``missile_type`` moved from the battery's reserve onto
    launcher ``launcher`` (0-based index of the battery's launchers)."""

    missile_type: str
    count: int
    launcher: int


@dataclass(frozen=True)
class JamStrobe:
    """A ``jam_strobe`` event: the direction a radar received jamming from (azimuth clockwise from
    true north, elevation above the local horizontal at the radar) and the jamming-to-noise ratio."""

    az_deg: float
    el_deg: float
    jnr_db: float


@dataclass(frozen=True)
class Field:
    """One ``key=value`` pair of a detail: its key, the Python type of its value and how it is
    written (a format spec such as ``.1f``)."""

    key: str
    kind: type[str] | type[int] | type[float]
    spec: str = ""

    def write(self, value: str | float) -> str:
        typed = str(value) if self.kind is str else int(value) if self.kind is int else float(value)
        return format(typed, self.spec)

    def read(self, pairs: dict[str, str], detail: str | None) -> str | int | float:
        text = pairs.get(self.key, "")
        if not text:
            raise DetailError(f"detail {detail!r}: no {self.key}=")
        if self.kind is str:
            return text
        try:
            number = float(text)
        except ValueError:
            raise DetailError(f"detail {detail!r}: {self.key}={text} is not a number") from None
        return int(number) if self.kind is int else number


@dataclass(frozen=True)
class DetailFormat(Generic[T]):
    """The detail of one event kind: its fields in the order written, and what reading them builds
    (called with the values in that order). Writing and reading both follow ``fields``."""

    fields: tuple[Field, ...]
    record: Callable[..., T]

    def format(self, *values: str | float) -> str:
        return "; ".join(f"{f.key}={f.write(v)}" for f, v in zip(self.fields, values, strict=True))

    def parse(self, detail: str | None) -> T:
        pairs = parse_detail(detail)
        return self.record(*(f.read(pairs, detail) for f in self.fields))


MAGAZINE_EMPTY: DetailFormat[str] = DetailFormat((Field("type", str),), str)
RELOAD: DetailFormat[Reload] = DetailFormat(
    (Field("type", str), Field("count", int), Field("launcher", int)), Reload
)
JAM_STROBE: DetailFormat[JamStrobe] = DetailFormat(
    (Field("az_deg", float, ".1f"), Field("el_deg", float, ".1f"), Field("jnr_db", float, ".1f")), JamStrobe
)
#: The structured details, by event kind: the one table both writers and readers follow.
DETAIL_FORMATS: dict[str, DetailFormat[Any]] = {
    "magazine_empty": MAGAZINE_EMPTY,
    "reload": RELOAD,
    "jam_strobe": JAM_STROBE,
}


def format_magazine_empty(missile_type: str) -> str:
    """Detail of a ``magazine_empty`` event: the battery has no round of ``missile_type`` left, loaded,
    in reserve or being reloaded."""
    return MAGAZINE_EMPTY.format(missile_type)


def parse_magazine_empty(detail: str | None) -> str:
    """The missile type of a ``magazine_empty`` event."""
    return MAGAZINE_EMPTY.parse(detail)


def format_reload(missile_type: str, count: int, launcher: int) -> str:
    return RELOAD.format(missile_type, count, launcher)


def parse_reload(detail: str | None) -> Reload:
    return RELOAD.parse(detail)


def format_jam_strobe(az_deg: float, el_deg: float, jnr_db: float) -> str:
    return JAM_STROBE.format(az_deg, el_deg, jnr_db)


def parse_jam_strobe(detail: str | None) -> JamStrobe:
    return JAM_STROBE.parse(detail)


@dataclass(frozen=True)
class Move:
    """A ``move_start`` or ``move_end`` event: a battery's relocation to the site (``to_lat_deg``,
    ``to_lon_deg``, ``to_alt_m``) ``distance_km`` away (great circle), ordered at ``at_s``, stowed at
    ``stowed_s``, arrived at ``arrived_s`` and deployed (radiating and firing again) at ``ready_s``."""

    to_lat_deg: float
    to_lon_deg: float
    to_alt_m: float
    distance_km: float
    at_s: float
    stowed_s: float
    arrived_s: float
    ready_s: float


MOVE: DetailFormat[Move] = DetailFormat(
    (
        Field("to_lat_deg", float, ".5f"),
        Field("to_lon_deg", float, ".5f"),
        Field("to_alt_m", float, ".0f"),
        Field("distance_km", float, ".1f"),
        Field("at_s", float, ".1f"),
        Field("stowed_s", float, ".1f"),
        Field("arrived_s", float, ".1f"),
        Field("ready_s", float, ".1f"),
    ),
    Move,
)
DETAIL_FORMATS["move_start"] = DETAIL_FORMATS["move_end"] = MOVE


def format_move(move: Move) -> str:
    return MOVE.format(*(getattr(move, f.key) for f in MOVE.fields))


def parse_move(detail: str | None) -> Move:
    return MOVE.parse(detail)


def interceptor_battery_type(interceptor_id: str) -> tuple[str, str]:
    """(battery, missile type) of an interceptor id ``<battery>/<type>/<n>`` (docs/outputs.md)."""
    battery, sep, rest = interceptor_id.rpartition("/")
    battery, sep2, missile_type = battery.rpartition("/")
    if not (sep and sep2 and rest):
        raise DetailError(f"interceptor id {interceptor_id!r} is not <battery>/<type>/<n>")
    return battery, missile_type
