"""What a run's pages say about its fight: why threats were not engaged, what each battery fired and
has left, and its stock of missiles over time. Shared by ``samsim run``, ``samsim mc``, report.html
and the dashboard, so every face counts the same way (docs/outputs.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from samsim.output.details import interceptor_battery_type, parse_magazine_empty, parse_reload
from samsim.output.result import UNENGAGED_REASONS

if TYPE_CHECKING:
    from samsim.output.result import Result

__all__ = [
    "REASON_LABELS",
    "REASON_SHORT",
    "REASON_TEXT",
    "BatteryStock",
    "JammerDeception",
    "RadarDeceptionRow",
    "StockSeries",
    "battery_rows",
    "deception_rows",
    "decoy_shots",
    "reason_counts",
    "stock_series",
    "step_at",
]

REASON_SHORT: dict[str, str] = {
    "weapons_hold": "hold",
    "no_track": "no track",
    "out_of_envelope": "envelope",
    "magazine_empty": "empty",
    "no_fire_channel": "channel",
    "lower_priority": "priority",
    "not_threatening": "harmless",
}
"""At most 8 characters: the ``why`` column of the ``samsim run`` table."""

REASON_LABELS: dict[str, str] = {
    "weapons_hold": "weapons hold",
    "no_track": "no track",
    "out_of_envelope": "out of envelope",
    "magazine_empty": "magazine empty",
    "no_fire_channel": "no fire channel",
    "lower_priority": "lower priority",
    "not_threatening": "not threatening",
}
"""Readable names of :data:`samsim.output.result.UNENGAGED_REASONS`, in that order."""

REASON_TEXT: dict[str, str] = {
    "weapons_hold": "the battery was ordered to hold fire",
    "no_track": "no battery held a firm track on it",
    "out_of_envelope": "tracked, but never inside an interceptor's engagement envelope",
    "magazine_empty": "no missile able to engage it was left on the launchers",
    "no_fire_channel": "every fire channel of the batteries that could engage it was busy",
    "lower_priority": "other threats were engaged first and the battery's salvo limit was reached",
    "not_threatening": "judged to threaten no defended asset",
}
"""What each reason means (report.html's definitions)."""

assert tuple(REASON_LABELS) == UNENGAGED_REASONS == tuple(REASON_SHORT) == tuple(REASON_TEXT)


def reason_counts(pairs: Iterable[tuple[str, str | None]]) -> dict[str, dict[str, int]]:
    """Counts of (threat type, reason) pairs: reason → {type: count}, reasons in the contract's order
    and types in order of first appearance; pairs without a reason are not counted. A reason outside
    the contract is kept, after the known ones."""
    counts: dict[str, dict[str, int]] = {}
    for threat_type, reason in pairs:
        if reason is None:
            continue
        per_type = counts.setdefault(reason, {})
        per_type[threat_type] = per_type.get(threat_type, 0) + 1
    order = [r for r in UNENGAGED_REASONS if r in counts] + [r for r in counts if r not in UNENGAGED_REASONS]
    return {r: counts[r] for r in order}


@dataclass(frozen=True)
class BatteryStock:
    """One battery and missile type at the end of a run."""

    battery: str
    missile_type: str
    fired: int
    left: int
    empty_s: float | None  # first ``magazine_empty`` event of the type, if any


def _kind_mask(ev: Any, kind: str) -> Any:
    import pyarrow.compute as pc

    return pc.fill_null(pc.equal(ev.column("kind"), kind), False)


def battery_rows(result: Result) -> list[BatteryStock]:
    """Fired and left per battery and missile type (``Result.batteries``, types in their order), with
    the time the type first ran out on the battery's launchers."""
    empty = _empty_series(result)
    rows = []
    for b in result.batteries:
        for m in dict.fromkeys([*b.fired, *b.left]):
            rows.append(
                BatteryStock(
                    battery=b.id,
                    missile_type=m,
                    fired=int(b.fired.get(m, 0)),
                    left=int(b.left.get(m, 0)),
                    empty_s=empty[(b.id, m)][0] if (b.id, m) in empty else None,
                )
            )
    return rows


def decoy_shots(result: Result) -> tuple[int, int]:
    """(interceptors fired at decoys, decoys): what decoys cost the defence."""
    decoys = {t.id for t in result.threats if t.kind == "decoy"}
    return sum(1 for i in result.interceptors if i.target in decoys), len(decoys)


@dataclass
class StockSeries:
    """A battery's rounds of one missile type over time, as step functions from t = 0.

    ``total_left`` counts loaded and reserve rounds (only launches lower it), ``ready`` the rounds on
    the launchers (launches lower it, reloads raise it; None when the run's scene does not say how many
    were loaded at the start). Value i holds from ``time_s[i]`` until ``time_s[i + 1]``.
    """

    battery: str
    missile_type: str
    time_s: list[float] = field(default_factory=list)
    total_left: list[int] = field(default_factory=list)
    ready: list[int] | None = None
    empty_s: list[float] = field(default_factory=list)  # each ``magazine_empty`` of the type
    out_s: float | None = None  # when the last round of the type was fired (total reached 0)


def stock_series(result: Result) -> list[StockSeries]:
    """The stock of every battery and missile type over the run, from its ``launch`` and ``reload``
    events, the start loads of ``scene.json`` and the ``left`` of ``Result.batteries``: at t = 0 the
    total is left + fired (nothing else takes rounds away), each launch takes one, each reload moves
    ``count`` rounds from the reserve to the launchers."""
    ev = result.events
    launches: dict[tuple[str, str], list[float]] = {}
    reloads: dict[tuple[str, str], list[tuple[float, int]]] = {}
    if ev.num_rows:
        for row in ev.filter(_kind_mask(ev, "launch")).select(["time_s", "interceptor"]).to_pylist():
            if row["interceptor"]:
                key = interceptor_battery_type(str(row["interceptor"]))
                launches.setdefault(key, []).append(float(row["time_s"]))
        for row in ev.filter(_kind_mask(ev, "reload")).select(["time_s", "battery", "detail"]).to_pylist():
            r = parse_reload(row["detail"])
            reloads.setdefault((str(row["battery"]), r.missile_type), []).append(
                (float(row["time_s"]), r.count)
            )
    empty = _empty_series(result)
    loaded0 = {
        (str(b["id"]), str(m)): int(n)
        for b in (result.scene or {}).get("batteries", [])
        for m, n in (b.get("loaded") or {}).items()
    }
    out = []
    for stock in battery_rows(result):
        key = (stock.battery, stock.missile_type)
        shots = sorted(launches.get(key, []))
        loads = sorted(reloads.get(key, []))
        # Launches and reloads at the same time: the launch first, as the engine fires then reloads.
        changes = sorted([(t, 0, -1) for t in shots] + [(t, 1, n) for t, n in loads])
        total = stock.left + len(shots)
        ready = loaded0.get(key)
        s = StockSeries(stock.battery, stock.missile_type, [0.0], [total], None if ready is None else [ready])
        for t, is_reload, n in changes:
            if not is_reload:
                total -= 1
            elif ready is None:
                continue  # a reload does not change the total
            if ready is not None:
                ready += n
            if s.time_s[-1] == t:
                s.total_left[-1] = total
                if s.ready is not None and ready is not None:
                    s.ready[-1] = ready
            else:
                s.time_s.append(t)
                s.total_left.append(total)
                if s.ready is not None and ready is not None:
                    s.ready.append(ready)
        s.empty_s = empty.get(key, [])
        if shots and total == 0:
            s.out_s = shots[-1]
        out.append(s)
    return out


def _empty_series(result: Result) -> dict[tuple[str, str], list[float]]:
    ev = result.events
    out: dict[tuple[str, str], list[float]] = {}
    if ev.num_rows == 0:
        return out
    for row in ev.filter(_kind_mask(ev, "magazine_empty")).to_pylist():
        key = (str(row["battery"]), parse_magazine_empty(row["detail"]))
        out.setdefault(key, []).append(float(row["time_s"]))
    return out


def step_at(series_t: list[float], values: list[int], t: float) -> int:
    """The value of a step series at time ``t``."""
    i = int(np.searchsorted(np.asarray(series_t), t, side="right")) - 1
    return values[max(i, 0)]


@dataclass(frozen=True)
class RadarDeceptionRow:
    """What deception jamming put into one radar's measurements (``radars[].deception``)."""

    battery: str
    radar: str
    looks: int
    pulled_off: int
    false_targets: int
    blanked: int


@dataclass(frozen=True)
class JammerDeception:
    """What one repeater jammer did to the trackers (``threats[].deception``)."""

    threat: str
    type: str
    tracks: int
    seduced_tracks: int
    false_tracks: int


def deception_rows(result: Result) -> tuple[list[RadarDeceptionRow], list[JammerDeception]]:
    """Per radar and per repeater jammer, the deception figures of a run (both empty without a
    repeater jammer)."""
    radars = [
        RadarDeceptionRow(
            b.id,
            r.id,
            r.deception.looks,
            r.deception.pulled_off,
            r.deception.false_targets,
            r.deception.blanked,
        )
        for b in result.batteries
        for r in b.radars
        if r.deception is not None
    ]
    jammers = [
        JammerDeception(
            t.id, t.type, t.deception.tracks, t.deception.seduced_tracks, t.deception.false_tracks
        )
        for t in result.threats
        if t.deception is not None
    ]
    return radars, jammers
