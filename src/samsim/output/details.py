"""The ``detail`` strings of events.parquet, written and read in one place.

A ``detail`` is ``key=value`` pairs separated by ``; `` (docs/outputs.md, events.parquet). One table,
``DETAIL_FORMATS``, declares the structured ones (each kind's fields, their types and how they are
written); the engine writes them with the ``format_*`` functions below and every reader (CLI,
report.html, the replay) parses them with the matching ``parse_*`` function, both following the same
entry, so the two sides cannot drift apart.

| kind | detail |
|---|---|
| ``detect`` | ``range_km=56.1`` |
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

import numpy as np
from numpy.typing import NDArray

T = TypeVar("T")

__all__ = [
    "DETAIL_FORMATS",
    "RANGE_KM",
    "DetailError",
    "DetailFormat",
    "Field",
    "JamStrobe",
    "Move",
    "NumberDetail",
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


_CHUNK = 1 << 15


@dataclass(frozen=True, eq=False)  # hashed by identity: the event log looks one up per batch
class NumberDetail:
    """A detail of one number, ``key=value`` written with ``decimals`` decimals (``range_km=56.1``),
    which the event log keeps as the number and writes, for all its events at once, only when it
    builds its table (:meth:`format_many`: the very text :meth:`format` gives, without Python per
    event)."""

    key: str
    decimals: int

    def format(self, value: float) -> str:
        return f"{self.key}={float(value):.{self.decimals}f}"

    def parse(self, detail: str | None) -> float:
        return float(Field(self.key, float).read(parse_detail(detail), detail))

    def format_many(self, values: NDArray[np.float64]) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
        """The details of ``values``: their UTF-8 text one after the other, and each one's length.

        The text is that of :meth:`format` (Python's ``format(value, ".Nf")``: the exact binary value
        rounded half to even at ``N`` decimals), built from integer digits: ``value x 10**N`` rounded
        to the nearest integer, whose rounding the float product decides unless it lies within a
        relative 1e-12 of a half (the product is within 2**-53 of exact). Those, and values that are
        not finite or too large for exact integer digits, are written by :meth:`format` itself.
        """
        x = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        if x.size > _CHUNK:  # in chunks: the working arrays stay small (cached, not paged in afresh)
            parts = [self.format_many(x[k : k + _CHUNK]) for k in range(0, x.size, _CHUNK)]
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        d = self.decimals
        with np.errstate(invalid="ignore", over="ignore"):
            y = np.abs(x) * 10.0**d
            exact = np.isfinite(y) & (y < 2.0**52) & (np.abs(y - np.floor(y) - 0.5) > y * 1e-12)
            n = np.rint(np.where(exact, y, 0.0)).astype(np.int64)
        # the digits of n, at least d + 1 of them (a 0 before the point), the point, the sign
        powers = 10 ** np.arange(19, dtype=np.int64)
        digits = np.maximum(np.searchsorted(powers, n, side="right"), d + 1)
        point = 1 if d else 0
        number_len = np.signbit(x) + digits + point
        # Others (rare): the number's text from Python, right-aligned like the rest.
        other = np.flatnonzero(~exact)
        other_text = [f"{float(v):.{d}f}".encode() for v in x[other].tolist()]
        number_len[other] = [len(b) for b in other_text]
        prefix = np.frombuffer(f"{self.key}=".encode(), dtype=np.uint8)
        width = prefix.size + int(number_len.max(initial=1))
        # Each row: the prefix, then the number right-aligned (leading zeros masked off below).
        rows = np.empty((x.size, width), dtype=np.uint8)
        rows[:, : prefix.size] = prefix
        q = n.astype(np.uint32) if int(n.max(initial=0)) < 2**32 else n
        for k in range(width - prefix.size - point):
            q, digit = np.divmod(q, 10)
            rows[:, width - 1 - k - (point if k >= d else 0)] = digit + ord("0")
        if point:
            rows[:, width - 1 - d] = ord(".")
        start = width - number_len
        negative = np.flatnonzero(np.signbit(x))
        rows[negative, start[negative]] = ord("-")
        for row, text in zip(other.tolist(), other_text, strict=True):
            rows[row, width - len(text) :] = np.frombuffer(text, dtype=np.uint8)
        keep = np.arange(width) >= start[:, None]
        keep[:, : prefix.size] = True
        utf8: NDArray[np.uint8] = rows[keep]
        return utf8, (prefix.size + number_len).astype(np.int64)


#: ``detect``: the measured slant range from the radar, 0.1 km.
RANGE_KM = NumberDetail("range_km", 1)


def interceptor_battery_type(interceptor_id: str) -> tuple[str, str]:
    """(battery, missile type) of an interceptor id ``<battery>/<type>/<n>`` (docs/outputs.md)."""
    battery, sep, rest = interceptor_id.rpartition("/")
    battery, sep2, missile_type = battery.rpartition("/")
    if not (sep and sep2 and rest):
        raise DetailError(f"interceptor id {interceptor_id!r} is not <battery>/<type>/<n>")
    return battery, missile_type
