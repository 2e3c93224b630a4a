"""The invariants every replication must satisfy (docs/reliability.md), checked on a finished result.

``violations(result, scenario)`` returns a list of human-readable problems (empty when all hold). The
tests run it on many random scenarios; it is cheap enough to run on any result.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from samsim.output.result import FATES, INTERCEPTOR_RESULTS, UNENGAGED_REASONS, Result
from samsim.scenario import DEFAULT_LINK_LATENCY_S, Scenario


def loaded_per_battery(scenario: Scenario) -> dict[str, int]:
    """Interceptors loaded on each battery's launchers (template or scenario override), plus its
    reserve of types its launchers carry."""
    out: dict[str, int] = {}
    for b in scenario.batteries:
        if b.launchers is not None:
            loads = [(lc.count, dict(lc.load)) for lc in b.launchers]
        else:
            spec = scenario.merged_catalog.system(b.system)
            loads = [
                (int(lc["count"]), {str(m): int(n) for m, n in lc["load"].items()}) for lc in spec.launchers
            ]
        carried = {m for _, load in loads for m in load}
        out[b.id] = sum(count * sum(load.values()) for count, load in loads) + sum(
            n for m, n in b.reserve.items() if m in carried
        )
    return out


def _network(scenario: Scenario) -> dict[str, tuple[str, float, float]]:
    """Battery id -> (its command post, the post's link latency, when the post is lost), for the
    batteries fighting under one (as the engine forms them: sim.world.compile_world)."""
    out: dict[str, tuple[str, float, float]] = {}
    free = [b.id for b in scenario.batteries if b.command != "autonomous"]
    if scenario.commands:
        for c in scenario.commands:
            lost = min(
                c.destroyed_s if c.destroyed_s is not None else math.inf,
                c.cut_s if c.cut_s is not None else math.inf,
            )
            for b in c.batteries if c.batteries is not None else free:
                out[b] = (c.id, c.link_latency_s, lost)
    elif len(free) >= 2:
        out = {b: ("network", DEFAULT_LINK_LATENCY_S, math.inf) for b in free}
    return out


def known_gone_violations(result: Result, scenario: Scenario) -> list[str]:
    """No launch at a threat after the firing battery knew it dead or leaked: its own kill at once;
    a kill by a battery of the same live command post, or a leak, one link latency later."""
    problems: list[str] = []
    net = _network(scenario)
    by_id = {i.id: i for i in result.interceptors}
    threats = {t.id: t for t in result.threats}
    for ic in result.interceptors:
        t = threats.get(ic.target)
        if t is None or t.fate_s is None:
            continue
        mine = net.get(ic.battery)
        latency = mine[1] if mine is not None else 0.0
        known = math.inf
        if t.fate == "leaked":
            known = t.fate_s + latency
        elif t.fate == "killed":
            killer = by_id.get(t.killed_by or "")
            if killer is not None and killer.battery == ic.battery:
                known = t.fate_s
            elif killer is not None and mine is not None:
                theirs = net.get(killer.battery)
                if theirs is not None and theirs[0] == mine[0] and t.fate_s < mine[2]:
                    known = t.fate_s + latency
        if ic.launch_s > known + 1e-6:
            problems.append(f"{ic.id}: launched at {ic.target} at {ic.launch_s} s, known gone at {known} s")
    return problems


def reason_violations(result: Result) -> list[str]:
    """A threat fired at has no unengaged reason; one never fired at has a known reason and its time."""
    problems: list[str] = []
    for t in result.threats:
        if t.shots > 0 and t.unengaged_reason is not None:
            problems.append(f"{t.id}: {t.shots} shots but unengaged_reason {t.unengaged_reason}")
        if t.shots == 0 and (t.unengaged_reason not in UNENGAGED_REASONS or t.unengaged_reason_s is None):
            problems.append(f"{t.id}: no shots and unengaged_reason {t.unengaged_reason!r}")
    return problems


def violations(result: Result, scenario: Scenario, *, tolerance_m: float = 1.0) -> list[str]:
    problems: list[str] = []
    threat_ids = [t.id for t in result.threats]
    expected_ids = [m for t in scenario.threats for m in t.member_ids()]
    if sorted(threat_ids) != sorted(expected_ids) or len(set(threat_ids)) != len(threat_ids):
        problems.append("threats in the result do not match the scenario's members one to one")
    for t in result.threats:
        if t.fate not in FATES:
            problems.append(f"{t.id}: fate {t.fate!r} is not one of {FATES}")
        if (t.fate == "survived") != (t.fate_s is None):
            problems.append(f"{t.id}: fate {t.fate} with fate_s {t.fate_s}")
        if t.fate_s is not None and not 0.0 <= t.fate_s <= result.duration_s + 1e-6:
            problems.append(f"{t.id}: fate_s {t.fate_s} outside the scenario")
        if (t.fate == "killed") != (t.killed_by is not None):
            problems.append(f"{t.id}: fate {t.fate} with killed_by {t.killed_by}")
        # A jammer may be tracked from its strobes before any echo of it is detected.
        sensed = [s for s in (t.first_detected_s, t.first_strobe_s) if s is not None]
        if t.first_track_s is not None and (not sensed or t.first_track_s < min(sensed)):
            problems.append(f"{t.id}: firm track before first detection or strobe")

    # Interceptors: never more than loaded, each with one result, inside its envelope at launch.
    fired = Counter(i.battery for i in result.interceptors)
    for battery, n in loaded_per_battery(scenario).items():
        if fired.get(battery, 0) > n:
            problems.append(
                f"{battery}: fired {fired[battery]} interceptors but had {n} loaded and in reserve"
            )
    cat = scenario.merged_catalog
    holding = {
        b.id
        for b in scenario.batteries
        if (b.doctrine.weapons or cat.system(b.system).doctrine["weapons"]) == "hold"
    }
    for i in result.interceptors:
        if i.battery in holding:
            problems.append(f"{i.id}: launched by {i.battery}, whose weapons are on hold")
        if i.result not in INTERCEPTOR_RESULTS:
            problems.append(f"{i.id}: result {i.result!r} is not one of {INTERCEPTOR_RESULTS}")
        if i.end_s is None or i.end_s < i.launch_s - 1e-9:
            problems.append(f"{i.id}: ends at {i.end_s} before its launch at {i.launch_s}")
        spec = cat.interceptor(i.type)
        if (
            i.pip_range_m is None
            or not spec.min_range_m - tolerance_m <= i.pip_range_m <= spec.max_range_m + tolerance_m
        ):
            problems.append(
                f"{i.id}: planned intercept at {i.pip_range_m} m, envelope "
                f"[{spec.min_range_m}, {spec.max_range_m}]"
            )
        if i.pip_alt_m is None or not (
            spec.min_altitude_m - tolerance_m <= i.pip_alt_m <= spec.max_altitude_m + tolerance_m
        ):
            problems.append(
                f"{i.id}: planned intercept altitude {i.pip_alt_m} m, envelope "
                f"[{spec.min_altitude_m}, {spec.max_altitude_m}]"
            )
    kills = [i for i in result.interceptors if i.result == "kill"]
    for target, n in Counter(i.target for i in kills).items():
        if n > 1:
            problems.append(f"{target}: killed by {n} interceptors (a threat dies once)")
    killed = [t for t in result.threats if t.fate == "killed"]
    if len(killed) != len(kills):
        problems.append(f"{len(killed)} threats killed but {len(kills)} interceptors report a kill")
    by_id = {i.id: i for i in result.interceptors}
    for t in killed:
        ic = by_id.get(t.killed_by or "")
        if ic is None or ic.result != "kill" or ic.target != t.id:
            problems.append(f"{t.id}: killed_by {t.killed_by} is not an interceptor that killed it")
        elif ic.end_s is None or t.fate_s is None or abs(ic.end_s - t.fate_s) > 1e-6:
            problems.append(f"{t.id}: killed at {t.fate_s} s but {ic.id} ended at {ic.end_s} s")
    shots = Counter(i.target for i in result.interceptors)
    for t in result.threats:
        if t.shots != shots.get(t.id, 0):
            problems.append(f"{t.id}: shots {t.shots} but {shots.get(t.id, 0)} interceptors flew at it")

    problems.extend(_emission_violations(result))
    problems.extend(_move_violations(result))
    problems += known_gone_violations(result, scenario)
    problems += reason_violations(result)

    # Times are monotone.
    ev_t = result.events.column("time_s").to_numpy()
    if ev_t.size and np.any(np.diff(ev_t) < 0):
        problems.append("events are not in time order")
    if ev_t.size and (ev_t.min() < 0 or ev_t.max() > result.duration_s + 1e-6):
        problems.append("events outside the scenario's time span")
    traj = result.trajectories
    if traj.num_rows:
        ent = np.asarray(traj.column("entity").to_pylist())
        tt = traj.column("time_s").to_numpy()
        order = np.lexsort((np.arange(ent.size), ent))
        same = ent[order][1:] == ent[order][:-1]
        if np.any(np.diff(tt[order])[same] < -1e-9):
            problems.append("trajectory samples of an entity go back in time")
    return problems


def _emission_violations(result: Result) -> list[str]:
    """No radar detects while silent (between its radar_off and radar_on) or after it was destroyed,
    and each battery's ``destroyed_s`` is its radar_destroyed event."""
    problems: list[str] = []
    ev = result.events
    kinds = ev.column("kind").to_pylist()
    times = ev.column("time_s").to_pylist()
    batteries = ev.column("battery").to_pylist()
    radars = ev.column("radar").to_pylist()
    silent_from: dict[tuple[str, str], float] = {}
    silences: dict[tuple[str, str], list[tuple[float, float]]] = {}
    destroyed: dict[tuple[str, str], float] = {}
    for kind, t, b, r in zip(kinds, times, batteries, radars, strict=True):
        key = (b, r)
        if kind == "radar_off":
            silent_from[key] = t
        elif kind == "radar_on" and key in silent_from:
            silences.setdefault(key, []).append((silent_from.pop(key), t))
        elif kind == "radar_destroyed":
            destroyed[key] = min(destroyed.get(key, t), t)
    for key, t in silent_from.items():  # silent to the end of the run
        silences.setdefault(key, []).append((t, float("inf")))
    for kind, t, b, r in zip(kinds, times, batteries, radars, strict=True):
        if kind != "detect":
            continue
        key = (b, r)
        if t >= destroyed.get(key, float("inf")):
            problems.append(f"{b}/{r}: detection at {t} s after it was destroyed at {destroyed[key]} s")
        if any(start <= t < end for start, end in silences.get(key, [])):
            problems.append(f"{b}/{r}: detection at {t} s while silent")
    for bat in result.batteries:
        for radar in bat.radars:
            event_s = destroyed.get((bat.id, radar.id))
            if (event_s is None) != (radar.destroyed_s is None) or (
                event_s is not None
                and radar.destroyed_s is not None
                and abs(event_s - radar.destroyed_s) > 1e-6
            ):
                problems.append(
                    f"{bat.id}/{radar.id}: destroyed_s {radar.destroyed_s} but radar_destroyed at {event_s}"
                )
    return problems


def _move_violations(result: Result) -> list[str]:
    """A battery on the move (from its move_start to its move_end) neither detects, reports a jam
    strobe nor launches; each move_start has its move_end, unless the run ends first."""
    ev = result.events
    kinds = ev.column("kind").to_pylist()
    times = ev.column("time_s").to_pylist()
    batteries = ev.column("battery").to_pylist()
    moving: dict[str, list[tuple[float, float]]] = {}
    started: dict[str, float] = {}
    problems: list[str] = []
    for kind, t, b in zip(kinds, times, batteries, strict=True):
        if kind == "move_start":
            started[b] = t
        elif kind == "move_end":
            if b not in started:
                problems.append(f"{b}: move_end at {t} s without a move_start")
                continue
            moving.setdefault(b, []).append((started.pop(b), t))
    for b, t in started.items():  # still on the move at the end of the run
        moving.setdefault(b, []).append((t, math.inf))
    for kind, t, b in zip(kinds, times, batteries, strict=True):
        if kind in ("detect", "jam_strobe", "launch") and any(s <= t < e for s, e in moving.get(b, [])):
            problems.append(f"{b}: {kind} at {t} s while on the move")
    return problems
