"""Noise jamming of a radar's looks by every jammer of the run, through the radar's antenna pattern.

Every threat carrying a jammer radiates noise at every radar from the moment it is launched until
it leaves (its ERP is taken as pointed at each victim radar: a self-protection jammer's or a
multi-beam escort jammer's). A look of a radar at a target receives each jammer's noise through the
antenna gain toward that jammer while the beam looks at the target: the full main-lobe gain for a
self-screening jammer (the jammer is the target), the sidelobe level (less the sidelobe canceller's
cancellation) for a stand-off jammer far off the look direction
(:func:`samsim.models.antenna.relative_gain_db`). The J/N of the jammers add as powers
(:func:`samsim.models.jamming.power_sum_db`). Computed vectorised over looks x jammers.

A jammer below the radar's horizon, or hidden from the antenna by terrain (scenario DEM:
:func:`terrain_clear`, the line of sight the echoes use), neither jams it nor gives it a strobe.
A jammer shot down stops jamming at its kill time: the engine evaluates scans in windows just
ahead of its loop and evaluates the rest of a window again when a jammer dies
(:mod:`samsim.sim.scan_windows`).
"""

from __future__ import annotations

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.catalog import RadarSpec
from samsim.models import antenna, frames, horizon, jamming, radar
from samsim.sim.world import CompiledBattery, World, altitudes_m, positions_ecef


def radar_antenna(spec: RadarSpec) -> antenna.AntennaPattern:
    """The receive antenna of a catalog radar."""
    return antenna.AntennaPattern(
        gain_db=spec.antenna_gain_db,
        beamwidth_az_rad=float(np.radians(spec.beamwidth_az_deg)),
        beamwidth_el_rad=float(np.radians(spec.beamwidth_el_deg)),
        sidelobe_db=spec.sidelobe_db,
        canceller_db=spec.sidelobe_canceller_db,
    )


def jammers_of(world: World) -> IntArray:
    """Indices of the threats that carry a jammer."""
    return np.flatnonzero(np.isfinite(world.threats.jammer_erp_dbw)).astype(np.int64)


def terrain_clear(
    world: World, battery: CompiledBattery, radar_enu_m: FloatArray, ecef_m: FloatArray
) -> BoolArray:
    """Whether the line of sight from a battery's antenna at ``radar_enu_m`` to each of ``ecef_m``
    clears the scenario's terrain (on the k·Re earth; :func:`samsim.models.terrain.line_of_sight_clear`).
    Only for a world with a DEM."""
    from samsim.models.terrain import line_of_sight_clear  # only scenarios with a DEM need it

    radar_lat, radar_lon, radar_alt = battery.frame.enu_to_geodetic(radar_enu_m)
    lat, lon, h = world.frame.enu_to_geodetic(world.frame.ecef_to_enu(ecef_m))
    clear = line_of_sight_clear(
        world.terrain,
        float(radar_lon),
        float(radar_lat),
        float(radar_alt),
        lon,
        lat,
        h,
        world.refraction_k,
    )
    return np.asarray(clear, dtype=np.bool_)


def jammer_geometry(
    world: World,
    battery: CompiledBattery,
    radar_enu_m: FloatArray,
    antenna_height_m: float,
    jammers: IntArray,
    time_s: FloatArray,
) -> tuple[FloatArray, BoolArray]:
    """Positions of ``jammers`` relative to a radar at each of ``time_s`` (battery ENU, shape
    ``(n, m, 3)``) and whether each radiates then, above the radar's horizon and clear of terrain
    ``(n, m)``."""
    threats = world.threats
    n, m = time_s.size, jammers.size
    idx = np.broadcast_to(jammers[None, :], (n, m))
    t = np.broadcast_to(time_s[:, None], (n, m))
    ecef = positions_ecef(threats, idx, t)
    rel = battery.frame.ecef_to_enu(ecef.reshape(-1, 3)).reshape(n, m, 3) - radar_enu_m
    gone_s = np.minimum(threats.end_s, threats.leak_s)[jammers]
    on = (t >= threats.start_s[jammers][None, :]) & (t < gone_s[None, :])
    rng_m = np.linalg.norm(rel, axis=-1)
    h1 = np.full(rng_m.shape, antenna_height_m)
    h2 = np.maximum(altitudes_m(threats, idx, t) - world.horizon_ref_alt_m, 0.0)
    over = horizon.above_horizon(horizon.arc_from_slant_m(rng_m, h1, h2), h1, h2, world.refraction_k)
    seen = np.asarray(on & over, np.bool_)
    if world.has_terrain and np.any(seen):
        seen[seen] = terrain_clear(world, battery, radar_enu_m, ecef[seen])
    return np.asarray(rel, np.float64), seen


def jammer_jnr_db(
    spec: RadarSpec, range_m: FloatArray, jammers: IntArray, world: World, gain_db: FloatArray
) -> FloatArray:
    """J/N of each jammer at a radar through receive gain ``gain_db`` (dBi), shape of ``range_m``."""
    threats = world.threats
    return jamming.jammer_to_noise_db(
        np.maximum(range_m, 1.0),
        threats.jammer_erp_dbw[jammers],
        threats.jammer_bandwidth_mhz[jammers] * 1e6,
        gain_db,
        radar.wavelength_m(spec.frequency_ghz * 1e9),
        spec.noise_figure_db,
        spec.bandwidth_mhz * 1e6,
        spec.losses_db,
    )


def look_jnr_db(
    world: World,
    battery: CompiledBattery,
    spec: RadarSpec,
    radar_enu_m: FloatArray,
    antenna_height_m: float,
    time_s: FloatArray,
    look_enu_m: FloatArray,
    jammers: IntArray | None = None,
) -> FloatArray | None:
    """Total J/N of each look of a radar (dB), from every jammer of the run through the antenna
    pattern toward it; None when the run has no jammer.

    Parameters
    ----------
    world, battery : the run and the radar's battery.
    spec : the radar's catalog figures.
    radar_enu_m : (3,) the antenna's position in the battery frame.
    antenna_height_m : its height above the horizon reference surface.
    time_s : (n,) time of each look.
    look_enu_m : (n, 3) where each look points (the target relative to the antenna, battery ENU).
    jammers : the threats that may jam these looks (default: every jammer of the run); those left
        out (not radiating then, or shot down) add nothing.
    """
    if jammers is None:
        jammers = jammers_of(world)
    if jammers.size == 0:
        return None
    n = time_s.size
    if n == 0:
        return np.zeros(0)
    # The jammers' geometry depends on the time only: once per scan, not per look.
    times, scan = np.unique(time_s, return_inverse=True)
    rel, on = jammer_geometry(world, battery, radar_enu_m, antenna_height_m, jammers, times)
    rel, on = rel[scan], on[scan]
    _, look_az, look_el = frames.enu_to_spherical(look_enu_m)
    u, v, front = antenna.beam_sines(look_az[:, None], look_el[:, None], rel)
    ant = radar_antenna(spec)
    gain = ant.gain_db + antenna.relative_gain_db(ant, u, v, front)
    jnr = jammer_jnr_db(spec, np.linalg.norm(rel, axis=-1), jammers, world, gain)
    return jamming.power_sum_db(np.where(on, jnr, -np.inf), axis=1)
