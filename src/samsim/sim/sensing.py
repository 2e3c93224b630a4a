"""Radar scans, evaluated vectorised over scans x threats (the engine's eyes).

Whether a radar detects a threat at a scan depends only on geometry, the target, the radar and the
jammers still radiating, not on what the battery decides, so scans are evaluated ahead of the
engine's loop, a window of them at a time (:mod:`samsim.sim.scan_windows`), vectorised over
scans x threats: coverage, radar horizon on the k·Re earth, terrain masking, the cross section the
radar's band sees at the live aspect (:mod:`samsim.sim.signatures`), SNR calibrated on the
published detection range (with noise jamming from every jammer through the antenna pattern, and
over a surface the two-ray multipath factor F⁴ and the residual surface clutter), Swerling Pd per
look, a random draw, measurement noise, Poisson false alarms, and the SNR each measurement was
received at (what the command post estimates a target's RCS from). The engine then consumes the
scans in time order and drops the detections of threats killed since the window was evaluated.
Each radar draws from its own random streams, so adding a radar never changes what the others see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.catalog import RadarSpec
from samsim.constants import MEAN_EARTH_RADIUS_M, SPEED_OF_LIGHT_MPS
from samsim.geodesy import LocalFrame, frame_map
from samsim.models import frames, horizon, jamming, propagation, radar
from samsim.sim import _sensing_kernels as _kernels
from samsim.sim.jamming import jammers_of, look_jnr_db, terrain_clear
from samsim.sim.signatures import live_rcs_m2
from samsim.sim.world import CompiledBattery, World, positions_and_altitudes

FALSE_ALARM_MIN_RANGE_M = 2000.0


@dataclass(frozen=True)
class RadarScans:
    """Every scan of one radar: times and the measurements each produced, in battery-frame ENU.

    Measurements of scan k are rows ``offsets[k]:offsets[k + 1]``; ``truth`` is the threat index
    or -1 for a false alarm; ``snr_db`` is the SNR each was received at, a sample of the look's
    signal-plus-noise power given that it crossed the threshold
    (:func:`samsim.models.radar.detected_snr_db`).
    """

    battery: int
    radar: int
    radar_id: str
    time_s: FloatArray
    offsets: IntArray
    truth: IntArray
    z_enu_m: FloatArray
    r_enu_m2: FloatArray
    range_m: FloatArray
    snr_db: FloatArray


@dataclass(frozen=True)
class RadarGeometry:
    """What the engine needs to decide whether a scan could have seen a track."""

    enu_m: FloatArray
    spec: RadarSpec
    antenna_height_m: float  # above the horizon reference surface
    refraction_k: float


@dataclass(frozen=True)
class PathTerms:
    """What the surface adds to each look of a low beam (:mod:`samsim.models.propagation`).

    ``f4_db`` multiplies the echo (two-ray multipath, 40 log10 F); ``clutter_m2`` is the RCS of the
    surface clutter left in the target's cell after the radar's clutter improvement factor, which
    competes with the echo: SINR = 1 / (1/SNR + 1/SCR), SCR = σ F⁴ / σ_c.
    """

    f4_db: FloatArray
    clutter_m2: FloatArray


def path_terms(
    surface: propagation.Surface | None,
    spec: RadarSpec,
    radar_height_m: float,
    refraction_k: float,
    range_m: FloatArray,
    target_height_m: FloatArray,
    elevation_rad: FloatArray,
    ground_range_m: FloatArray | None = None,
) -> PathTerms | None:
    """Multipath F⁴ and residual clutter of looks at targets ``target_height_m`` above the surface
    (None over no surface: free space, no clutter). The ground range between the feet, if not given,
    follows from the slant range on the sphere."""
    if surface is None:
        return None
    ka = refraction_k * MEAN_EARTH_RADIUS_M
    h2 = np.maximum(np.asarray(target_height_m, dtype=np.float64), 0.0)
    ground_m = ground_range_m
    if ground_m is None:
        ground_m = horizon.arc_from_slant_m(range_m, radar_height_m, h2)
    lam = float(radar.wavelength_m(spec.frequency_ghz * 1e9))
    polarization: propagation.Polarization = "vertical" if spec.polarization == "vertical" else "horizontal"
    f4_db = propagation.multipath_f4_db(surface, ground_m, radar_height_m, h2, ka, lam, polarization)
    clutter_m2 = propagation.residual_clutter_m2(
        surface.gamma_db,
        range_m,
        radar_height_m,
        ka,
        elevation_rad,
        float(np.radians(spec.beamwidth_az_deg)),
        float(np.radians(spec.beamwidth_el_deg)),
        SPEED_OF_LIGHT_MPS / (2.0 * spec.bandwidth_mhz * 1e6),
        spec.clutter_improvement_db,
    )
    return PathTerms(f4_db=f4_db, clutter_m2=clutter_m2)


def _with_clutter(snr_db: FloatArray, rcs_m2: FloatArray, path: PathTerms | None) -> FloatArray:
    """SNR → SINR: the residual clutter competes with the echo like noise (Skolnik 2001, ch. 3)."""
    if path is None:
        return snr_db
    with np.errstate(divide="ignore", over="ignore"):  # no clutter: SCR = +inf
        scr_db = 10.0 * np.log10(np.asarray(rcs_m2, dtype=np.float64) / path.clutter_m2) + path.f4_db
    return propagation.sinr_db(snr_db, scr_db)


def reference_snr_db(spec: RadarSpec) -> float:
    """SNR at the published detection range: the SNR giving the reference Pd at the radar's Pfa."""
    return radar.required_snr_db_scalar(float(spec.ref_pd), float(spec.pfa), int(spec.swerling))


def look_snr_db(
    spec: RadarSpec,
    range_m: FloatArray,
    rcs_m2: FloatArray,
    jnr_db: FloatArray | None = None,
    path: PathTerms | None = None,
) -> FloatArray:
    """Signal-to-noise(-plus-jamming, -plus-clutter) ratio of one look, dB.

    SNR ∝ σ/R⁴ anchored on the radar's published detection range; noise jamming of J/N ``jnr_db``
    (every jammer through the antenna pattern, :func:`samsim.sim.jamming.look_jnr_db`) adds to the
    noise: SNR = S/(N + J); over a surface (``path``, :func:`path_terms`) the echo is multiplied by
    the two-ray F⁴ and the residual surface clutter adds to the noise.
    """
    snr_db = radar.snr_db_calibrated(
        range_m, rcs_m2, spec.ref_range_m, spec.ref_rcs_m2, reference_snr_db(spec)
    )
    if path is not None:
        snr_db = snr_db + path.f4_db
    if jnr_db is not None:
        snr_db = jamming.snr_with_jamming_db(snr_db, jnr_db)
    return _with_clutter(np.asarray(snr_db, dtype=np.float64), rcs_m2, path)


def look_pd(
    spec: RadarSpec,
    range_m: FloatArray,
    rcs_m2: FloatArray,
    swerling: IntArray | int,
    jnr_db: FloatArray | None = None,
    path: PathTerms | None = None,
) -> FloatArray:
    """Probability of detection of one look at a target of the given Swerling case."""
    snr_db = look_snr_db(spec, range_m, rcs_m2, jnr_db, path)
    return radar.probability_of_detection(snr_db, spec.pfa, swerling)


def radar_geometry(world: World, battery: CompiledBattery, index: int) -> RadarGeometry:
    r = battery.radars
    height = float(battery.frame.alt_m + r.enu_m[index, 2] - world.horizon_ref_alt_m)
    return RadarGeometry(
        enu_m=r.enu_m[index],
        spec=r.specs[index],
        antenna_height_m=max(height, 0.0),
        refraction_k=world.refraction_k,
    )


def in_radar_coverage(spec: RadarSpec, range_m: ArrayLike, az_rad: ArrayLike, el_rad: ArrayLike) -> BoolArray:
    """Inside the radar's instrumented volume: its maximum range and elevation limits
    (:func:`samsim.models.radar.in_coverage` with the catalog figures)."""
    return radar.in_coverage(
        range_m,
        az_rad,
        el_rad,
        spec.max_range_m,
        np.radians(spec.min_elevation_deg),
        np.radians(spec.max_elevation_deg),
    )


def visible(
    geom: RadarGeometry, rel_enu_m: FloatArray, target_height_m: FloatArray
) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray]:
    """Inside the radar's coverage and above its horizon: (mask, range, azimuth, elevation)."""
    rng_m, az, el = frames.enu_to_spherical(rel_enu_m)
    return _covered_and_over(geom, rng_m, el, target_height_m), rng_m, az, el


def _covered_and_over(
    geom: RadarGeometry, rng_m: FloatArray, el: FloatArray, target_height_m: FloatArray
) -> BoolArray:
    """Inside the radar's coverage (:func:`in_radar_coverage`: its range and elevation limits; a
    radar's coverage spans the full circle in azimuth) and above its horizon. The comparisons written
    out: the batteries ask this for a few points at a time, where the general function's argument
    handling cost more than the tests."""
    spec = geom.spec
    h1 = geom.antenna_height_m  # one antenna: its height and horizon angle once, not per look
    k = geom.refraction_k
    if (
        isinstance(h1, float)
        and isinstance(k, float)
        and rng_m.ndim == 1
        and rng_m.shape == el.shape == np.shape(target_height_m)
        and rng_m.dtype == el.dtype == np.asarray(target_height_m).dtype == np.float64
    ):
        # One antenna over a row of looks (the scans' and the command post's case): the tests below
        # in two compiled passes, operation for operation the same.
        return horizon.within_limits_and_horizon(
            rng_m,
            el,
            np.asarray(target_height_m),
            spec.max_range_m,
            math.radians(spec.min_elevation_deg),
            math.radians(spec.max_elevation_deg),
            h1,
            k,
        )
    # math.radians: NumPy's radians of a float (the same product by pi/180), without a ufunc call
    inside = (
        (rng_m <= spec.max_range_m)
        & (el >= math.radians(spec.min_elevation_deg))
        & (el <= math.radians(spec.max_elevation_deg))
    )
    h2 = np.maximum(target_height_m, 0.0)
    over = horizon.above_horizon(horizon.arc_from_slant_m(rng_m, h1, h2), h1, h2, geom.refraction_k)
    return np.asarray(inside & over, dtype=np.bool_)


def mask_by_terrain(
    world: World, battery: CompiledBattery, geom: RadarGeometry, ecef_m: FloatArray, seen: BoolArray
) -> None:
    """Clear ``seen`` (in place) where terrain blocks the line of sight from the radar to ``ecef_m``."""
    if not world.has_terrain or not np.any(seen):
        return
    clear = terrain_clear(world, battery, geom.enu_m, ecef_m[seen])
    seen[np.flatnonzero(seen)[~clear]] = False


def surface_alt(world: World, battery: CompiledBattery) -> float:
    """Altitude of the surface that reflects a battery's low beams: the flat ground, or with a DEM the
    ground at the battery's site taken level (the two-ray model needs a smooth sphere)."""
    return float(battery.frame.alt_m) if world.has_terrain else world.horizon_ref_alt_m


def battery_path_terms(
    world: World,
    battery: CompiledBattery,
    geom: RadarGeometry,
    range_m: FloatArray,
    alt_m: FloatArray,
    elevation_rad: FloatArray,
) -> PathTerms | None:
    """:func:`path_terms` of a battery's radar looking at targets at altitudes ``alt_m`` over the
    world's surface (:func:`surface_alt`)."""
    surface_alt_m = surface_alt(world, battery)
    return path_terms(
        world.surface,
        geom.spec,
        float(battery.frame.alt_m + geom.enu_m[2] - surface_alt_m),
        world.refraction_k,
        range_m,
        alt_m - surface_alt_m,
        elevation_rad,
    )


def scan_times(
    spec: RadarSpec, radiate_from_s: float, duration_s: float, rng: np.random.Generator
) -> FloatArray:
    """Scan instants: a random phase within the first revisit period after the radar starts radiating."""
    first = radiate_from_s + rng.uniform(0.0, spec.revisit_s)
    if first > duration_s:
        return np.zeros(0)
    return np.asarray(
        first + spec.revisit_s * np.arange(int((duration_s - first) // spec.revisit_s) + 1), dtype=np.float64
    )


def noisy_measurements(
    spec: RadarSpec, range_m: FloatArray, az_rad: FloatArray, el_rad: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The radar's range, azimuth and elevation measurements of true ones: its Gaussian errors added
    (:func:`samsim.models.radar.measurement_noise` with the radar's accuracies)."""
    return radar.measurement_noise(
        range_m,
        az_rad,
        el_rad,
        spec.sigma_range_m,
        np.radians(spec.sigma_azimuth_deg),
        np.radians(spec.sigma_elevation_deg),
        rng,
    )


def measurements_enu(
    geom: RadarGeometry, range_m: FloatArray, az_rad: FloatArray, el_rad: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Spherical measurements as the tracker takes them: battery-frame ENU positions and their
    converted-measurement covariances."""
    spec = geom.spec
    z, cov = frames.converted_measurement(  # spherical_to_enu and converted_measurement_covariance
        range_m,
        az_rad,
        el_rad,
        spec.sigma_range_m,
        float(np.radians(spec.sigma_azimuth_deg)),
        float(np.radians(spec.sigma_elevation_deg)),
        geom.enu_m,
    )
    return np.asarray(z, np.float64), np.asarray(cov, np.float64)


def scan_radar(world: World, b: int, k: int, rng: np.random.Generator) -> RadarScans:
    """Evaluate every scan of radar ``k`` of battery ``b`` over the whole run at once (the scan times
    drawn first from ``rng``, then the scans; the engine evaluates them in windows instead,
    :mod:`samsim.sim.scan_windows`)."""
    return scan_window(world, b, k, radar_scan_times(world, b, k, rng), rng)


def radar_scan_times(world: World, b: int, k: int, rng: np.random.Generator) -> FloatArray:
    """Every scan instant of radar ``k`` of battery ``b``: at each site the battery is deployed at
    (:attr:`~samsim.sim.world.CompiledBattery.deployments`), from when it radiates there until it moves
    on, with a random phase at each site."""
    battery = world.batteries[b]
    spec = battery.radars.specs[k]
    parts: list[FloatArray] = []
    for site in battery.deployments:
        times = scan_times(spec, max(battery.radiate_from_s, site.from_s), world.duration_s, rng)
        parts.append(times[times < site.until_s])
    return np.concatenate(parts) if parts else np.zeros(0)


def scan_window(
    world: World,
    b: int,
    k: int,
    times: FloatArray,
    rng: np.random.Generator,
    killed_s: FloatArray | None = None,
) -> RadarScans:
    """Evaluate the scans of radar ``k`` of battery ``b`` at ``times``, each with the geometry of the
    site the battery is deployed at then (horizon, terrain, surface, jamming, coverage); measurements
    made away from the first site are converted to the battery frame through ECEF, so that the
    battery's tracker and its command post see one frame.

    ``killed_s`` (per threat; ``inf`` for one alive) is when each threat was shot down, as far as
    the caller knows: a threat killed before a scan is not in it, neither its echo nor its jamming
    (the engine evaluates scans only once every kill before them is known).
    """
    battery = world.batteries[b]
    parts: list[RadarScans] = []
    for site in battery.deployments:
        at = times[(times >= site.from_s) & (times < site.until_s)]
        if at.size == 0 and parts:
            continue
        at_site = battery.at_site(site)
        scans = _scan_site(world, b, k, at_site, at, rng, killed_s)
        if at_site is not battery:
            scans = _to_frame(scans, at_site.frame, battery.frame)
        parts.append(scans)
    return parts[0] if len(parts) == 1 else _concatenate(parts)


def _to_frame(scans: RadarScans, src: LocalFrame, dst: LocalFrame) -> RadarScans:
    """Scans with their measurements (and covariances) taken from frame ``src`` to ``dst``."""
    m, o = frame_map(src, dst)
    return replace(scans, z_enu_m=scans.z_enu_m @ m.T + o, r_enu_m2=m @ scans.r_enu_m2 @ m.T)


def _concatenate(parts: list[RadarScans]) -> RadarScans:
    """One radar's scans at successive sites, in time order."""
    offsets = [parts[0].offsets]
    for p in parts[1:]:
        offsets.append(p.offsets[1:] + offsets[-1][-1])
    first = parts[0]
    return replace(
        first,
        time_s=np.concatenate([p.time_s for p in parts]),
        offsets=np.concatenate(offsets).astype(np.int64),
        truth=np.concatenate([p.truth for p in parts]),
        z_enu_m=np.concatenate([p.z_enu_m for p in parts]).reshape(-1, 3),
        r_enu_m2=np.concatenate([p.r_enu_m2 for p in parts]).reshape(-1, 3, 3),
        range_m=np.concatenate([p.range_m for p in parts]),
        snr_db=np.concatenate([p.snr_db for p in parts]),
    )


def _scan_site(
    world: World,
    b: int,
    k: int,
    battery: CompiledBattery,
    times: FloatArray,
    rng: np.random.Generator,
    killed_s: FloatArray | None,
) -> RadarScans:
    """Every scan at ``times`` of radar ``k`` of battery ``b``, standing at ``battery``'s site
    (measurements in that site's frame)."""
    spec = battery.radars.specs[k]
    geom = radar_geometry(world, battery, k)
    threats = world.threats
    n_scan = times.size

    # Every (scan, threat) pair while the threat is in the air, has not leaked and was not killed,
    # scan by scan, threat by threat (tested only for the threats in the air at some of the scans: in a
    # long raid most have not started or are gone).
    scan_idx, thr_idx, gone_s = _kernels.scan_pairs(
        times, threats.start_s, threats.end_s, threats.leak_s, threats.end_s if killed_s is None else killed_s
    )
    t_pair = times[scan_idx]
    snr_db = np.full(scan_idx.size, -np.inf)
    pd = np.zeros(scan_idx.size)
    if scan_idx.size:
        ecef, alt = positions_and_altitudes(threats, thr_idx, t_pair)
        rel = battery.frame.ecef_to_enu(ecef) - geom.enu_m
        # (the azimuth only of the looks detected, below: nothing else reads it)
        rng_m, el = _range_elevation(rel)
        seen = _covered_and_over(geom, rng_m, el, alt - world.horizon_ref_alt_m)
        mask_by_terrain(world, battery, geom, ecef, seen)
        look = np.flatnonzero(seen)
    else:  # no threat in the air at any of the scans
        rel, rng_m, el = np.zeros((0, 3)), np.zeros(0), np.zeros(0)
        look = np.zeros(0, dtype=np.int64)

    # Only the looks inside the coverage and above the horizon can be detected: the echo's terms are
    # evaluated for them alone (each look's on its own, so the same as over every pair), and the
    # others keep Pd 0 (one draw per pair all the same, so the stream does not depend on which). A
    # window without a look (no threat in reach yet) draws the same and evaluates no echo.
    if look.size:
        # the looks' columns gathered in one compiled pass (a copy each, as fancy indexing makes)
        rng_l, el_l, alt_l, t_l, thr_l, ecef_l = _kernels.gather_looks(
            look, rng_m, el, alt, t_pair, thr_idx, ecef
        )
        path = battery_path_terms(world, battery, geom, rng_l, alt_l, el_l)
        jammers = _jammers_on(world, times, gone_s)
        jnr_db = (  # look_jnr_db's None of no jammer, without gathering its looks
            None
            if jammers.size == 0
            else look_jnr_db(world, battery, spec, geom.enu_m, geom.antenna_height_m, t_l, rel[look], jammers)
        )
        rcs_m2 = live_rcs_m2(threats, thr_l, t_l, ecef_l, battery.radars.ecef_m[k], spec.frequency_ghz)
        snr_l = look_snr_db(spec, rng_l, rcs_m2, jnr_db, path)
        snr_db[look] = snr_l
        pd[look] = radar.probability_of_detection(snr_l, spec.pfa, threats.swerling[thr_l])
    hit = radar.draw_detections(pd, rng)
    d_scan, d_thr = scan_idx[hit], thr_idx[hit]
    if d_scan.size:
        m_rng, m_az, m_el = noisy_measurements(spec, rng_m[hit], frames.azimuth_rad(rel[hit]), el[hit], rng)
    else:  # no detection: the noise of none draws nothing
        m_rng = m_az = m_el = np.zeros(0)

    # False alarms: Poisson per scan, uniform in range, azimuth and elevation over the coverage.
    n_fa = radar.false_alarm_count(rng, np.full(n_scan, spec.false_alarms_per_scan))
    fa_rng, fa_az, fa_el = radar.uniform_false_alarms(
        rng,
        int(n_fa.sum()),
        spec.max_range_m,
        np.radians(spec.min_elevation_deg),
        np.radians(spec.max_elevation_deg),
        min_range_m=FALSE_ALARM_MIN_RANGE_M,
    )
    fa_scan = np.repeat(np.arange(n_scan), n_fa)
    # Received SNR of every measurement, drawn after every other draw of the scan so that the
    # measurements themselves are the same as without it for a seed. A false alarm is noise alone.
    meas_snr = radar.detected_snr_db(
        np.concatenate([snr_db[hit], np.full(fa_scan.size, -np.inf)]),
        spec.pfa,
        np.concatenate([threats.swerling[d_thr], np.ones(fa_scan.size, dtype=np.int64)]),
        rng,
    )

    # In scan order, each scan's detections before its false alarms.
    offsets, truth, meas_rng, meas_az, meas_el, meas_snr = _kernels.merge_measurements(
        n_scan, d_scan, d_thr, m_rng, m_az, m_el, fa_scan, fa_rng, fa_az, fa_el, meas_snr
    )
    z, cov = measurements_enu(geom, meas_rng, meas_az, meas_el)
    return RadarScans(
        battery=b,
        radar=k,
        radar_id=battery.radars.ids[k],
        time_s=times,
        offsets=offsets,
        truth=truth,
        z_enu_m=np.asarray(z, np.float64),
        r_enu_m2=np.asarray(cov, np.float64),
        range_m=np.asarray(meas_rng, np.float64),
        snr_db=np.asarray(meas_snr, np.float64),
    )


def _jammers_on(world: World, times: FloatArray, gone_s: FloatArray) -> IntArray:
    """The jammers that radiate at some of ``times`` (launched before the last, gone after the first):
    the others add nothing to these looks, and leaving them out keeps a window's work to the jammers
    of its own minutes."""
    jammers = jammers_of(world)
    if jammers.size == 0 or times.size == 0:
        return jammers[:0]
    th = world.threats
    on = (th.start_s[jammers] <= times[-1]) & (gone_s[jammers] > times[0])
    return np.asarray(jammers[on], dtype=np.int64)


def visible_range(
    geom: RadarGeometry, rel_enu_m: FloatArray, target_height_m: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """:func:`visible` for a reader that needs no angles: (mask, range). A radar's coverage spans the
    full circle in azimuth (:func:`in_radar_coverage`), so the azimuth is not computed; range,
    elevation and the horizon test are the same calls, hence the same floats (the command post asks
    this at every scan of every radar, for the tracks within its reach)."""
    rng_m, el = _range_elevation(rel_enu_m)
    return _covered_and_over(geom, rng_m, el, target_height_m), rng_m


def visible_many(
    geoms: Sequence[RadarGeometry], bounds: Sequence[int], rel_enu_m: FloatArray, target_height_m: FloatArray
) -> BoolArray:
    """:func:`visible_range`'s mask of radar ``geoms[g]`` for the looks ``bounds[g]:bounds[g + 1]``
    (each relative to its own radar), for several radars at once: the range and elevation of every
    look in one pass, and the coverage and horizon test in one call when the radars share their
    limits, antenna height and refraction (else one per radar). Each look is taken on its own, so
    the floats are those of a call per radar; a battery's planning asks this of every fire unit's
    engagement radar at every decision, where the calls cost more than their arithmetic."""
    rng_m, el = _range_elevation(rel_enu_m)
    height = np.asarray(target_height_m, dtype=np.float64)
    limits = {_limits_of(geom) for geom in geoms}
    if len(limits) == 1 and None not in limits:  # one test of every look (each on its own)
        return _covered_and_over(geoms[0], rng_m, el, height)
    seen = np.zeros(rng_m.shape, dtype=np.bool_)
    for g, geom in enumerate(geoms):
        at = slice(bounds[g], bounds[g + 1])
        seen[at] = _covered_and_over(geom, rng_m[at], el[at], height[at])
    return seen


def _limits_of(geom: RadarGeometry) -> tuple[float, float, float, float, float] | None:
    """All that :func:`_covered_and_over` reads of a radar with one antenna (its limits, antenna height
    and refraction); None for the others (a height per look)."""
    h1, k = geom.antenna_height_m, geom.refraction_k
    if not (isinstance(h1, float) and isinstance(k, float)):
        return None
    spec = geom.spec
    return (spec.max_range_m, spec.min_elevation_deg, spec.max_elevation_deg, h1, k)


def _range_elevation(rel_enu_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Range and elevation of :func:`samsim.models.frames.enu_to_spherical` (the same calls, hence
    the same floats), without the azimuth."""
    east, north, up = rel_enu_m[..., 0], rel_enu_m[..., 1], rel_enu_m[..., 2]
    horizontal = np.hypot(east, north)
    rng_m = np.asarray(np.hypot(horizontal, up), dtype=np.float64)
    return rng_m, np.asarray(np.arctan2(up, horizontal), dtype=np.float64)


def clear_snr_db(spec: RadarSpec, range_m: FloatArray, rcs_m2: FloatArray) -> FloatArray:
    """:func:`look_snr_db` with neither jamming nor surface terms (the calibrated range equation,
    :func:`samsim.models.radar.snr_db_calibrated`: ``SNR_ref + 10 log10(σ/σ_ref) - 40 log10(R/R_ref)``,
    Skolnik 2001, ch. 2), in fewer array passes and with the same floats. ``range_m`` positive."""
    with np.errstate(divide="ignore"):  # a zero RCS gives -inf, as radar.ratio_to_db
        return np.asarray(
            reference_snr_db(spec)
            + 10.0 * np.log10(rcs_m2 / spec.ref_rcs_m2)
            - 40.0 * np.log10(range_m / spec.ref_range_m),
            dtype=np.float64,
        )


def clear_pd(spec: RadarSpec, snr_db: FloatArray) -> FloatArray:
    """:func:`look_pd` at the radar's own Swerling case from a mean SNR of :func:`clear_snr_db`: the
    exact single-look Pd (:func:`samsim.models.radar.probability_of_detection`; Swerling 1960,
    Richards 2005, ch. 6), with the same floats."""
    snr = np.power(10.0, snr_db / 10.0)  # radar.db_to_ratio
    case = int(spec.swerling)
    if case == 1:
        return radar.pd_swerling1(snr, spec.pfa)
    if case == 3:
        return radar.pd_swerling3(snr, spec.pfa)
    if case == 0:
        return radar.pd_swerling0(snr, spec.pfa)
    return radar.probability_of_detection(snr_db, spec.pfa, case)  # raises on an unknown case
