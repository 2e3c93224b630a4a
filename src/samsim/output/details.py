"""The ``detail`` strings of events.parquet, written and read in one place.

A ``detail`` is ``key=value`` pairs separated by ``; `` (docs/outputs.md, events.parquet). The engine
writes the structured ones with the ``format_*`` functions below and every reader (CLI, report.html,
the replay) parses them with the matching ``parse_*`` function, so the two sides cannot drift apart.

| kind | detail |
|---|---|
| ``magazine_empty`` | ``type=48N6E3`` |
| ``reload`` | ``type=48N6E3; count=4; launcher=2`` |
| ``jam_strobe`` | ``az_deg=123.4; el_deg=1.2; jnr_db=17.3`` |
| ``move_start``, ``move_end`` | ``to_lat_deg=40.10000; to_lon_deg=32.75000; to_alt_m=950; \
distance_km=13.9; at_s=600.0; stowed_s=900.0; arrived_s=2570.6; ready_s=2870.6`` |
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DetailError",
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


def _field(pairs: dict[str, str], key: str, detail: str | None) -> str:
    if key not in pairs or not pairs[key]:
        raise DetailError(f"detail {detail!r}: no {key}=")
    return pairs[key]


def _number(pairs: dict[str, str], key: str, detail: str | None) -> float:
    text = _field(pairs, key, detail)
    try:
        return float(text)
    except ValueError:
        raise DetailError(f"detail {detail!r}: {key}={text} is not a number") from None


def format_magazine_empty(missile_type: str) -> str:
    """Detail of a ``magazine_empty`` event: the battery has no round of ``missile_type`` left, loaded,
    in reserve or being reloaded."""
    return f"type={missile_type}"


def parse_magazine_empty(detail: str | None) -> str:
    """The missile type of a ``magazine_empty`` event."""
    return _field(parse_detail(detail), "type", detail)


@dataclass(frozen=True)
class Reload:
    """A ``reload`` event: ``count`` rounds of ``missile_type`` moved from the battery's reserve onto
    launcher ``launcher`` (0-based index of the battery's launchers)."""

    missile_type: str
    count: int
    launcher: int


def format_reload(missile_type: str, count: int, launcher: int) -> str:
    return f"type={missile_type}; count={int(count)}; launcher={int(launcher)}"


def parse_reload(detail: str | None) -> Reload:
    pairs = parse_detail(detail)
    return Reload(
        missile_type=_field(pairs, "type", detail),
        count=int(_number(pairs, "count", detail)),
        launcher=int(_number(pairs, "launcher", detail)),
    )


@dataclass(frozen=True)
class JamStrobe:
    """A ``jam_strobe`` event: the direction a radar received jamming from (azimuth clockwise from
    true north, elevation above the local horizontal at the radar) and the jamming-to-noise ratio."""

    az_deg: float
    el_deg: float
    jnr_db: float


def format_jam_strobe(az_deg: float, el_deg: float, jnr_db: float) -> str:
    return f"az_deg={az_deg:.1f}; el_deg={el_deg:.1f}; jnr_db={jnr_db:.1f}"


def parse_jam_strobe(detail: str | None) -> JamStrobe:
    pairs = parse_detail(detail)
    return JamStrobe(
        az_deg=_number(pairs, "az_deg", detail),
        el_deg=_number(pairs, "el_deg", detail),
        jnr_db=_number(pairs, "jnr_db", detail),
    )


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


def format_move(move: Move) -> str:
    return (
        f"to_lat_deg={move.to_lat_deg:.5f}; to_lon_deg={move.to_lon_deg:.5f}; to_alt_m={move.to_alt_m:.0f}; "
        f"distance_km={move.distance_km:.1f}; at_s={move.at_s:.1f}; stowed_s={move.stowed_s:.1f}; "
        f"arrived_s={move.arrived_s:.1f}; ready_s={move.ready_s:.1f}"
    )


def parse_move(detail: str | None) -> Move:
    pairs = parse_detail(detail)
    return Move(**{name: _number(pairs, name, detail) for name in Move.__dataclass_fields__})


def interceptor_battery_type(interceptor_id: str) -> tuple[str, str]:
    """(battery, missile type) of an interceptor id ``<battery>/<type>/<n>`` (docs/outputs.md)."""
    battery, sep, rest = interceptor_id.rpartition("/")
    battery, sep2, missile_type = battery.rpartition("/")
    if not (sep and sep2 and rest):
        raise DetailError(f"interceptor id {interceptor_id!r} is not <battery>/<type>/<n>")
    return battery, missile_type
