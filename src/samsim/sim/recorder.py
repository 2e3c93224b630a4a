"""What a replication leaves for maps and replays: trajectories of threats, tracks and interceptors,
and the scene (where things stand).

The engine decides; this module only converts what it remembered into rows of
:class:`~samsim.output.result.TrajectoryLog` (sampled at :data:`OUTPUT_STEP_S`) and ``scene.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.geodesy import ecef_to_geodetic, row_norms
from samsim.models.signature import band_of_frequency
from samsim.output.result import TrajectoryKind, TrajectoryLog
from samsim.sim.command_post import BatteryRuntime, TrackPicture
from samsim.sim.flights import TABLE_DT_S
from samsim.sim.world import World, positions_ecef

OUTPUT_STEP_S = 1.0
"""Sampling interval of trajectories.parquet."""


def record_threats(log: TrajectoryLog, world: World, end_s: FloatArray) -> None:
    """Every threat from its start to ``end_s`` (its fate or the end of the run), all threats in one
    pass: read, converted and added at once (each row's floats the same as a threat's alone)."""
    t = world.threats
    stride = max(int(round(OUTPUT_STEP_S / TABLE_DT_S)), 1)
    # Each threat's table samples every `stride` (k = 0, stride, ... below table_n) up to its end...
    counts = (t.table_n.astype(np.int64) + stride - 1) // stride
    index = np.repeat(np.arange(t.count, dtype=np.int64), counts)
    k = (np.arange(index.size) - np.repeat(np.cumsum(counts) - counts, counts)) * stride
    times = t.table_t0_s[index] + k * TABLE_DT_S
    keep = times <= end_s[index] + 1e-9
    index, times = index[keep], times[keep]
    kept = np.bincount(index, minlength=t.count)
    # ... and its end itself where the last sample kept falls short of it (times ascend, so the
    # samples kept are a prefix; the end goes after them).
    after = np.cumsum(kept)
    last = np.where(kept > 0, times[np.maximum(after - 1, 0)] if times.size else 0.0, np.nan)
    ends = (end_s > t.start_s) & ((kept == 0) | (last < end_s - 1e-6))
    times = np.insert(times, after[ends], end_s[ends])
    index = np.insert(index, after[ends], np.flatnonzero(ends))
    sizes = kept + ends
    if times.size == 0:
        return
    names = [t.ids[i] for i in np.flatnonzero(sizes).tolist()]
    sizes = sizes[sizes > 0]
    ecef = positions_ecef(t, index, times)
    entity = np.repeat(np.arange(len(names)), sizes)
    _add_path_rows(log, world, times, names, entity, sizes, "threat", None, ecef)


def record_tracks(log: TrajectoryLog, world: World, runtime: TrackPicture) -> None:
    """Tracks as one picture (a battery's own, or a command post's) held them at its decision cycles,
    converted in one pass; their ``battery`` is the picture's owner. Each track's name is made once
    (rows refer to it by index), not once per row."""
    if not runtime.picture:
        return
    cycle_s, ids, pos, vel = zip(*runtime.picture, strict=True)
    sizes = [i.size for i in ids]
    times = np.repeat(np.array(cycle_s, dtype=np.float64), sizes)  # each cycle's time on its rows
    track_ids, index = np.unique(np.concatenate(ids), return_inverse=True)
    names = [runtime.track_name(i) for i in track_ids.tolist()]
    # velocity rows kept per cycle, their norms taken once (a row's norm is the same float either way)
    speed = row_norms(np.concatenate(vel))
    _add_battery_rows(log, world, runtime, times, names, index, "track", np.concatenate(pos), speed)


def record_interceptors(log: TrajectoryLog, world: World, runtime: BatteryRuntime) -> None:
    """One battery's interceptors at each of its decision cycles, plus launch and end points."""
    state, rec = runtime.state, runtime.recorder
    if not state.meta:
        return
    # Launch and end points, per slot in turn: launch, then its end if it has ended.
    end_times: list[float] = []
    end_slots: list[int] = []
    end_pos: list[FloatArray] = []
    end_speed: list[float] = []
    for slot, meta in enumerate(state.meta):
        end_times.append(meta.launch_s)
        end_slots.append(slot)
        end_pos.append(rec.launch_pos_m[slot])
        end_speed.append(0.0)
        end = float(state.flight.end_s[slot])
        if np.isfinite(end):
            end_times.append(end)
            end_slots.append(slot)
            end_pos.append(state.flight.pos_m[slot].copy())
            end_speed.append(float(np.linalg.norm(state.flight.vel_mps[slot])))
    # The samples of the decision cycles first, then those points (the order ties keep in the sort).
    cycle_s, cycle_slots, cycle_pos, cycle_vel = zip(*rec.samples, strict=True) if rec.samples else ((),) * 4
    cycle_times = np.repeat(np.array(cycle_s, dtype=np.float64), [sl.size for sl in cycle_slots])
    times = np.concatenate([cycle_times, np.array(end_times)])
    slots = np.concatenate([*cycle_slots, np.array(end_slots, dtype=np.int64)])
    pos_m = np.concatenate([ps.reshape(-1, 3) for ps in cycle_pos] + [np.array(end_pos).reshape(-1, 3)])
    # velocity rows kept per cycle, their norms taken once (a row's norm is the same float either way)
    flying = [row_norms(np.concatenate(cycle_vel))] if rec.samples else []
    speed = np.concatenate([*flying, np.array(end_speed)])
    order = np.lexsort((times, slots))
    if runtime.battery.sites:  # each flew in the frame of the site it was launched from
        by_slot = np.argsort(slots, kind="stable")
        bounds = np.searchsorted(slots[by_slot], np.arange(len(state.meta) + 1))
        for slot, meta in enumerate(state.meta):
            rows = by_slot[bounds[slot] : bounds[slot + 1]]  # ascending, as np.flatnonzero gives them
            pos_m[rows] = runtime.battery.from_site_frame(meta.launch_s, pos_m[rows])
    _add_battery_rows(
        log,
        world,
        runtime,
        times[order],
        [meta.id for meta in state.meta],
        slots[order],
        "interceptor",
        pos_m[order],
        speed[order],
    )


def _add_battery_rows(
    log: TrajectoryLog,
    world: World,
    runtime: TrackPicture,
    times: FloatArray,
    names: list[str],
    index: IntArray,
    kind: TrajectoryKind,
    pos_m: FloatArray,
    speed_mps: FloatArray,
) -> None:
    """Rows of points given in the picture's (battery's) frame; row k follows ``names[index[k]]``."""
    enu = world.frame.ecef_to_enu(runtime.frame.enu_to_ecef(pos_m))
    lat, lon, alt = world.frame.enu_to_geodetic(enu)
    log.add(
        time_s=times,
        entity=names,
        entity_index=index,
        kind=kind,
        battery=runtime.name,
        enu_m=enu,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=alt,
        speed_mps=speed_mps,
    )


def _add_path_rows(
    log: TrajectoryLog,
    world: World,
    times: FloatArray,
    names: list[str],
    entity: IntArray,
    sizes: IntArray,
    kind: TrajectoryKind,
    battery: str | None,
    ecef: FloatArray,
) -> None:
    """Rows of consecutive paths (``sizes[k]`` rows of ``names[k]``, in time order) from true ECEF
    positions. A path's speed at a sample is that of its leg to the next sample (the last sample
    repeats the last leg's; a one-sample path has 0)."""
    frame = world.frame
    enu = frame.ecef_to_enu(ecef)
    lat, lon, alt = frame.enu_to_geodetic(enu)
    speed = np.zeros(times.size)
    if times.size > 1:
        # Legs across two paths are overwritten below: each path's last row takes its last leg's.
        speed[:-1] = row_norms(np.diff(ecef, axis=0)) / np.maximum(np.diff(times), 1e-9)
    last = np.cumsum(sizes) - 1
    speed[last] = np.where(sizes > 1, speed[np.maximum(last - 1, 0)], 0.0)
    log.add(
        time_s=times,
        entity=names,
        entity_index=entity,
        kind=kind,
        battery=battery,
        enu_m=enu,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=alt,
        speed_mps=speed,
    )


def scene_of(world: World) -> dict[str, Any]:
    """Where things stand (for maps and the 3-D replay): origin, assets, batteries and their radars
    with the catalog figures a viewer needs to draw detection domes."""
    frame = world.frame

    def geodetic(ecef: FloatArray) -> dict[str, float]:
        lat, lon, alt = ecef_to_geodetic(ecef)
        return {
            "lat_deg": round(float(lat), 7),
            "lon_deg": round(float(lon), 7),
            "alt_m": round(float(alt), 2),
        }

    batteries = []
    for b in world.batteries:
        radars = []
        for k, rid in enumerate(b.radars.ids):
            spec = b.radars.specs[k]
            radars.append(
                {
                    "id": rid,
                    "type": spec.key,
                    "role": spec.role,
                    **geodetic(b.radars.ecef_m[k]),
                    "antenna_height_m": round(float(b.radars.antenna_height_m[k]), 2),
                    "max_range_m": spec.max_range_m,
                    "frequency_ghz": spec.frequency_ghz,
                    "band": band_of_frequency(spec.frequency_ghz),
                    "ref_range_m": spec.ref_range_m,
                    "ref_rcs_m2": spec.ref_rcs_m2,
                    "ref_pd": spec.ref_pd,
                    "min_elevation_deg": spec.min_elevation_deg,
                    "max_elevation_deg": spec.max_elevation_deg,
                }
            )
        loaded = {m: int(b.launchers.stock[:, j].sum()) for j, m in enumerate(b.launchers.missile_types)}
        batteries.append(
            {
                "id": b.id,
                "system": b.system,
                **geodetic(b.frame.origin_ecef_m),
                "radars": radars,
                "launchers": len(b.launchers.types),
                "loaded": loaded,
                "weapons": b.doctrine.weapons,
                # each relocation: ordered at at_s, deployed (radiating, firing) at the site from ready_s
                "moves": [
                    {
                        "at_s": site.move_at_s,
                        "stowed_s": site.stowed_s,
                        "arrived_s": site.arrived_s,
                        "ready_s": site.from_s,
                        "distance_m": round(site.distance_m, 1),
                        **geodetic(site.frame.origin_ecef_m),
                    }
                    for site in b.sites[1:]
                ],
            }
        )
    assets = [
        {
            "id": a,
            **geodetic(world.assets.ecef_m[i]),
            "radius_m": float(world.assets.radius_m[i]),
            "value": float(world.assets.value[i]),
        }
        for i, a in enumerate(world.assets.ids)
    ]
    threats = [
        {
            "id": tid,
            "type": world.threats.types[i],
            "group": world.threats.group[i],
            "kind": world.threats.kind[i],
            "target": world.assets.ids[world.threats.target_asset[i]]
            if world.threats.target_asset[i] >= 0
            else None,
        }
        for i, tid in enumerate(world.threats.ids)
    ]
    return {
        "origin": {"lat_deg": frame.lat_deg, "lon_deg": frame.lon_deg, "alt_m": frame.alt_m},
        "refraction_k": world.refraction_k,
        "duration_s": world.duration_s,
        "assets": assets,
        "batteries": batteries,
        "threats": threats,
        "signatures": signatures_of(world),
    }


def signatures_of(world: World) -> dict[str, dict[str, Any]]:
    """Per threat type of the run, from the scenario's catalog: its ``rcs_m2`` and ``rcs_table`` (or
    None), so that a viewer can size each radar's coverage for a type at an aspect, in the radar's band."""
    out: dict[str, dict[str, Any]] = {}
    for key in dict.fromkeys(world.threats.types):
        spec = world.catalog.threat(key)
        table = spec.rcs_table
        out[key] = {"rcs_m2": spec.rcs_m2, "rcs_table": None if table is None else table.as_value()}
    return out
