"""Deception jamming in a run: pulled-off and false measurements in a radar's scans, and what they
did to the trackers.

A threat with a scenario ``deception`` carries a repeater jammer (:mod:`samsim.models.deception`).
Its copies reach each radar at the configured J/S (a constant-gain repeater: independent of range),
reduced by the radar's ECCM (catalog ``pulse_compression_db``, ``frequency_agility``) unless the
repeater is a DRFM. Applied to a radar's scans (:class:`~samsim.sim.sensing.RadarScans`) after they
are drawn, so the echo draws of a seed do not change:

* **Range-gate pull-off**: when the copy captures the radar's range gate (effective J/S at least
  ``CAPTURE_JS_DB`` and no leading-edge tracking), each detection of the threat is measured at the
  copy's range, ``a (t - t_h)^2 / 2`` beyond the echo along the line of sight, in cycles of hold and
  walk-off from the threat's start (:func:`samsim.models.deception.rgpo_offset_m`). The battery's
  tracker is fed those measurements, still of the threat: its track is seduced away from the target.
* **Velocity-gate pull-off**: against a pulse-Doppler tracker (catalog ``velocity_gate``) whose
  velocity gate the copy captures, the velocity-aided range gate walks by the integral of the pulled
  Doppler, ``a_v (t - t_h)^2 / 2`` (:func:`samsim.models.deception.vgpo_range_walk_m`), unless the
  radar's range-rate consistency check (catalog ``range_rate_check``) declares the pull-off first
  (:func:`samsim.models.deception.vgpo_detect_s`, at ``RANGE_RATE_CHECK_SIGMAS``). The tracker
  measures positions only, so this range walk is how a pulled velocity gate reaches it.
* **Sidelobe false targets** (``sidelobe_false_targets``, a stand-off repeater): every scan of a
  radar the jammer can see (horizon, terrain) holds that many copies in random beam directions at the
  jammer's elevation, at ``k x spacing`` beyond the jammer's range (a copy cannot come before the
  pulse reached it), received at the jammer's echo plus J/S through the antenna's pulse gain toward
  the jammer (:func:`samsim.models.antenna.pulse_gain_db`, no canceller: its loop is set on noise).
  A radar with a sidelobe blanker (catalog ``sidelobe_blanker_guard_db``) blanks those whose guard
  channel outweighs the main channel by ``BLANKING_RATIO_DB``
  (:func:`samsim.models.antenna.sidelobe_blanked`): only copies that land in the main lobe toward the
  jammer pass. Noise jamming is unaffected by the blanker.
* **DRFM false targets**: every look of the radar at the threat (in its coverage, above its horizon
  and clear of terrain) also holds ``false_targets`` copies at ``k x spacing`` behind it, each
  received like an echo of cross-section ``sigma x J/S`` (the live cross-section the radar's band
  sees, the surface's multipath and clutter, noise jamming), detected with the Pd of a steady
  target at that SNR and measured with the radar's noise. They are false measurements of no threat
  (``truth`` :func:`false_target_truth`): the tracker may confirm false tracks and the command post
  may shoot at them (saturation); they end when the jammer is shot down.

:class:`DeceptionTally` counts, while the engine runs, what reached the trackers: per radar the looks
at deceiving threats, the pulled-off ones, the false targets and the sidelobe false targets blanked;
per deceiving threat the firm tracks that held it, those seduced (updated by a pulled-off measurement
while firm) and the false tracks its false targets made (docs/outputs.md).

* **Cross-eye**: the measured azimuth of each detection of a threat with ``cross_eye_m`` is turned
  by the monopulse error of its two-source repeater
  (:func:`samsim.models.deception.cross_eye_bias_rad`), the span taken across the airframe.

Limitation: DRFM false targets are at the threat's angle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.geodesy import frame_map
from samsim.jit import njit
from samsim.models import antenna, frames, radar
from samsim.models import deception as dm
from samsim.output.result import RadarDeception, ThreatDeception
from samsim.sim.jamming import jammer_geometry, look_jnr_db, radar_antenna
from samsim.sim.sensing import (
    RadarGeometry,
    RadarScans,
    _jammers_on,
    battery_path_terms,
    in_radar_coverage,
    look_snr_db,
    mask_by_terrain,
    measurements_enu,
    noisy_measurements,
    radar_geometry,
    visible,
)
from samsim.sim.signatures import live_rcs_m2
from samsim.sim.world import CompiledBattery, World, altitudes_m, positions_ecef

# The copy must be this much stronger than the echo, after processing, to capture the range gate
# (ASSUMED: a 2:1 power ratio moves the centroid of the gate decisively; Schleher 1999, ch. 4).
CAPTURE_JS_DB = 3.0
# A pulled-off measurement counts as seduced when it lies this many range sigmas off the echo.
SEDUCED_SIGMAS = 3.0
# A range-rate consistency check declares a velocity-gate pull-off at this many sigmas of the
# differenced range rate (ASSUMED: a 3-sigma test, 0.3 % false declarations per look).
RANGE_RATE_CHECK_SIGMAS = 3.0
# A sidelobe blanker blanks a pulse when its guard channel's output exceeds the main channel's by this
# (ASSUMED: 0 dB, the guard simply stronger; Maisel 1968 puts the ratio near unity).
BLANKING_RATIO_DB = 0.0
# ``truth`` of a DRFM false target of threat i: FALSE_TARGET - i (-1 stays a false alarm).
FALSE_TARGET = -2


def false_target_truth(threat: int) -> int:
    """The ``truth`` a false-target measurement of threat ``threat``'s DRFM carries."""
    return FALSE_TARGET - threat


def source_threat(truth: IntArray) -> IntArray:
    """The threat behind each measurement: the threat itself, the jammer of a false target, or -1
    for a false alarm."""
    t = np.asarray(truth, dtype=np.int64)
    return np.asarray(np.where(t <= FALSE_TARGET, FALSE_TARGET - t, t), dtype=np.int64)


@njit
def alive_rows(truth: IntArray, killed_s: FloatArray, t: float) -> BoolArray:
    """Whether each measurement's source (:func:`source_threat`) is alive at ``t``: a false alarm
    always, a threat or a false target of its repeater while the threat is not killed by ``t``
    (``killed_s``: when each threat was killed, inf while not). Compiled: the engine asks it at
    every scan."""
    out = np.empty(truth.size, dtype=np.bool_)
    for i in range(truth.size):
        v = truth[i]
        source = FALSE_TARGET - v if v <= FALSE_TARGET else v
        out[i] = source < 0 or killed_s[source] > t
    return out


@dataclass(frozen=True)
class DeceivedScans(RadarScans):
    """Radar scans with deception applied; ``pulled`` marks the rows measured more than
    ``SEDUCED_SIGMAS`` sigmas off the echo (in range by a gate pull-off, in azimuth by cross-eye);
    ``blanked_scan`` and ``blanked_jammer`` give, per sidelobe false target the blanker removed (one
    it would have detected), its scan and its jammer."""

    pulled: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    blanked_scan: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    blanked_jammer: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class DeceptionCounts:
    """What deception did to one radar's scans (every scan, before the engine drops any)."""

    detections: int  # detections of deceiving threats
    seduced: int  # of them, measured at a pulled-off range
    false_targets: int  # DRFM false-target measurements added


def deceivers(world: World) -> list[int]:
    """Indices of the threats that carry a repeater jammer (a new list; worked out once per world's
    threats: every radar's scan window asks)."""
    deception = world.threats.deception
    held = _DECEIVERS[0]
    if held is None or held[0] is not deception:
        held = _DECEIVERS[0] = (deception, [i for i, d in enumerate(deception) if d is not None])
    return list(held[1])


# The last threats' deception (held, so that its identity stays theirs) and deceivers().
_DECEIVERS: list[tuple[tuple[Any, ...], list[int]] | None] = [None]


def apply_deception(
    world: World, rs: RadarScans, rng: np.random.Generator, killed_s: FloatArray | None = None
) -> tuple[RadarScans, DeceptionCounts]:
    """Radar scans ``rs`` with the pull-off and false-target measurements of every repeater jammer;
    one shot down before the first of the scans (``killed_s``, per threat) repeats nothing."""
    ids = deceivers(world)
    if killed_s is not None and rs.time_s.size:
        ids = [i for i in ids if killed_s[i] > rs.time_s[0]]
    if not ids:
        return rs, DeceptionCounts(0, 0, 0)
    battery = world.batteries[rs.battery]
    geom = radar_geometry(world, battery, rs.radar)
    spec = geom.spec
    eccm = dm.RadarEccm(
        spec.leading_edge_tracking,
        spec.frequency_agility,
        spec.pulse_compression_db,
        spec.velocity_gate,
        spec.range_rate_check,
    )
    threats = world.threats
    # The noise jammers still radiating in these scans, as the echoes' looks count them: a jammer shot
    # down before the first scan jams none of the copies either.
    gone_s = np.minimum(threats.end_s, threats.leak_s)
    if killed_s is not None:
        gone_s = np.minimum(gone_s, killed_s)
    live = _jammers_on(world, rs.time_s, gone_s)
    scan_of = np.repeat(np.arange(rs.time_s.size), np.diff(rs.offsets))
    z, range_m = rs.z_enu_m.copy(), rs.range_m.copy()
    pulled = np.zeros(rs.truth.size, dtype=np.bool_)
    detections = 0
    extra: list[tuple[FloatArray, ...]] = []
    blanked: list[tuple[IntArray, IntArray]] = []
    for i in ids:
        d = threats.deception[i]
        js_db = float(dm.effective_js_db(d.js_db, eccm, d.drfm))
        rows = np.flatnonzero(rs.truth == i)
        detections += rows.size
        off = pull_off_m(
            d, eccm, spec.sigma_range_m, spec.revisit_s, js_db, rs.time_s[scan_of[rows]] - threats.start_s[i]
        )
        if np.any(off > 0.0):
            los = z[rows] - battery.radar_enu_at(rs.radar, rs.time_s[scan_of[rows]])
            z[rows] += off[:, None] * los / np.linalg.norm(los, axis=1, keepdims=True)
            range_m[rows] += off
            pulled[rows] = off > SEDUCED_SIGMAS * spec.sigma_range_m
        if getattr(d, "cross_eye_m", None) is not None and rows.size and np.isfinite(js_db):
            pulled[rows] |= _cross_eye(world, rs, geom, i, rows, scan_of, z, js_db)
        if d.false_targets and np.isfinite(js_db):
            copies = Repeater(i, d.false_targets, d.false_target_spacing_m, js_db, live)
            extra.append(_over_sites(_site_false_targets, world, rs, copies, rng))
        if d.sidelobe_false_targets and np.isfinite(js_db):
            copies = Repeater(i, d.sidelobe_false_targets, d.false_target_spacing_m, js_db, live)
            *side, b_rows = _over_sites(_site_sidelobe_false_targets, world, rs, copies, rng)
            extra.append(tuple(side))
            blanked.append((b_rows.astype(np.int64), np.full(b_rows.size, i, dtype=np.int64)))
    seduced = int(np.count_nonzero(pulled))
    b_scan = np.concatenate([b[0] for b in blanked]).astype(np.int64) if blanked else np.zeros(0, np.int64)
    b_jam = np.concatenate([b[1] for b in blanked]) if blanked else np.zeros(0, dtype=np.int64)
    if not extra or not sum(e[0].size for e in extra):
        out = DeceivedScans(
            **{**_fields(rs), "z_enu_m": z, "range_m": range_m},
            pulled=pulled,
            blanked_scan=b_scan,
            blanked_jammer=b_jam,
        )
        return out, DeceptionCounts(detections, seduced, 0)
    f_scan, f_truth, f_z, f_cov, f_rng, f_snr = (np.concatenate([e[k] for e in extra]) for k in range(6))
    all_scan = np.concatenate([scan_of, f_scan.astype(np.int64)])
    order = np.argsort(all_scan, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(all_scan, minlength=rs.time_s.size))]).astype(
        np.int64
    )
    out = DeceivedScans(
        **{
            **_fields(rs),
            "offsets": offsets,
            "truth": np.concatenate([rs.truth, f_truth.astype(np.int64)])[order],
            "z_enu_m": np.concatenate([z, f_z])[order],
            "r_enu_m2": np.concatenate([rs.r_enu_m2, f_cov])[order],
            "range_m": np.concatenate([range_m, f_rng])[order],
            "snr_db": np.concatenate([rs.snr_db, f_snr])[order],
        },
        pulled=np.concatenate([pulled, np.zeros(f_scan.size, dtype=np.bool_)])[order],
        blanked_scan=b_scan,
        blanked_jammer=b_jam,
    )
    return out, DeceptionCounts(detections, seduced, int(f_scan.size))


def _cross_eye(
    world: World,
    rs: RadarScans,
    geom: RadarGeometry,
    i: int,
    rows: IntArray,
    scan_of: IntArray,
    z: FloatArray,
    js_db: float,
) -> BoolArray:
    """Turn the measured azimuth of threat ``i``'s detections ``rows`` (in ``z``, in place) by its
    cross-eye's monopulse error; return which of them lie more than ``SEDUCED_SIGMAS`` azimuth sigmas
    off. The antennas are across the airframe (horizontal, perpendicular to the velocity): their
    separation as seen by the radar is the part of that span perpendicular to the line of sight."""
    d = world.threats.deception[i]
    spec = geom.spec
    battery = world.batteries[rs.battery]
    t = rs.time_s[scan_of[rows]]
    idx = np.full(rows.size, i)
    pos = battery.frame.ecef_to_enu(positions_ecef(world.threats, idx, t))
    ahead = battery.frame.ecef_to_enu(positions_ecef(world.threats, idx, t + 0.5))
    vel = ahead - pos
    span = np.stack([vel[:, 1], -vel[:, 0], np.zeros(rows.size)], axis=1)  # horizontal, across the track
    span /= np.maximum(np.linalg.norm(span, axis=1, keepdims=True), 1e-9)
    radar_enu = battery.radar_enu_at(rs.radar, t)
    los = pos - radar_enu
    rng_m = np.linalg.norm(los, axis=1)
    los /= rng_m[:, None]
    across = np.linalg.norm(span - np.sum(span * los, axis=1, keepdims=True) * los, axis=1)
    bias = dm.cross_eye_bias_rad(
        d.cross_eye_m * across / rng_m,
        d.cross_eye_amplitude,
        float(np.radians(d.cross_eye_phase_deg)),
        js_db,
        float(np.radians(spec.beamwidth_az_deg)),
    )
    # Turn each measurement about the antenna's vertical by the error (azimuth grows clockwise).
    rel = z[rows] - radar_enu
    c, s_ = np.cos(bias), np.sin(bias)
    z[rows, 0] = radar_enu[:, 0] + c * rel[:, 0] + s_ * rel[:, 1]
    z[rows, 1] = radar_enu[:, 1] - s_ * rel[:, 0] + c * rel[:, 1]
    return np.asarray(np.abs(bias) > SEDUCED_SIGMAS * np.radians(spec.sigma_azimuth_deg), dtype=np.bool_)


def _fields(rs: RadarScans) -> dict[str, Any]:
    """The fields of plain radar scans (to rebuild them as :class:`DeceivedScans`)."""
    return {k: getattr(rs, k) for k in RadarScans.__dataclass_fields__}


def pull_off_m(
    d: object,
    eccm: dm.RadarEccm,
    sigma_range_m: float,
    update_s: float,
    js_db: float,
    since_start_s: FloatArray,
) -> FloatArray:
    """Range offset of each look at a deceiving threat ``since_start_s`` after it started: the range
    gate's pull-off if the copy captures it, plus the velocity-aided range walk if the copy captures
    a pulse-Doppler tracker's velocity gate (zero once its range-rate check trips)."""
    t = np.asarray(since_start_s, dtype=np.float64)
    off = np.zeros(t.size)
    if not bool(dm.gate_captured(js_db, eccm._replace(leading_edge_tracking=False), CAPTURE_JS_DB)):
        return off
    rgpo = getattr(d, "rgpo_mps2", None)
    if rgpo is not None and not eccm.leading_edge_tracking:
        cycle = dm.rgpo_cycle_s(d.rgpo_hold_s, rgpo, d.rgpo_max_offset_m)  # type: ignore[attr-defined]
        off += dm.rgpo_offset_m(np.mod(t, cycle), d.rgpo_hold_s, rgpo, d.rgpo_max_offset_m)  # type: ignore[attr-defined]
    vgpo = getattr(d, "vgpo_mps2", None)
    if vgpo is not None and eccm.velocity_gate:
        hold, top = d.vgpo_hold_s, d.vgpo_max_mps  # type: ignore[attr-defined]
        detect = (
            dm.vgpo_detect_s(vgpo, sigma_range_m, update_s, RANGE_RATE_CHECK_SIGMAS)
            if eccm.range_rate_check
            else np.inf
        )
        off += dm.vgpo_range_walk_m(np.mod(t, dm.vgpo_cycle_s(hold, vgpo, top)), hold, vgpo, top, detect)
    return np.asarray(off, dtype=np.float64)


@dataclass(frozen=True)
class Repeater:
    """The copies one repeater jammer puts into a radar's scans, and the noise that masks them."""

    threat: int  # the threat carrying the repeater
    count: int  # copies per look
    spacing_m: float  # range between successive copies
    js_db: float  # effective J/S of a copy at the radar, after its ECCM
    jammers: IntArray  # the noise jammers still radiating in these scans (not shot down)


SiteCopies = Callable[
    [World, CompiledBattery, RadarScans, IntArray, Repeater, np.random.Generator],
    tuple[FloatArray, ...],
]
"""Copies of a repeater in some scans of a radar of a battery standing at one site (positions in its
frame): :func:`_site_false_targets` or :func:`_site_sidelobe_false_targets`."""


def _over_sites(
    make: SiteCopies,
    world: World,
    rs: RadarScans,
    copies: Repeater,
    rng: np.random.Generator,
) -> tuple[FloatArray, ...]:
    """The copies ``make`` gives of repeater ``copies`` in every scan of radar ``rs`` while it flies:
    (scan index, truth, battery-frame ENU position, covariance, range, SNR, ...), from each site the
    radar's battery stood at, positions and covariances turned into the battery frame."""
    home = world.batteries[rs.battery]
    threats = world.threats
    i = copies.threat
    looks = (rs.time_s >= threats.start_s[i]) & (rs.time_s < min(threats.end_s[i], threats.leak_s[i]))
    parts = []
    for site in home.deployments:
        at = home.at_site(site)
        scans = np.flatnonzero(looks & (rs.time_s >= site.from_s) & (rs.time_s < site.until_s))
        part = list(make(world, at, rs, scans, copies, rng))
        if at is not home:
            m, o = frame_map(at.frame, home.frame)
            part[2], part[3] = part[2] @ m.T + o, m @ part[3] @ m.T
        parts.append(part)
    if len(parts) == 1:
        return tuple(parts[0])
    return tuple(np.concatenate([p[n] for p in parts]) for n in range(len(parts[0])))


def _site_false_targets(
    world: World,
    battery: CompiledBattery,
    rs: RadarScans,
    scans: IntArray,
    copies: Repeater,
    rng: np.random.Generator,
) -> tuple[FloatArray, ...]:
    """DRFM false targets of repeater ``copies`` in scans ``scans`` of a radar of ``battery`` standing at its
    frame's origin (positions in that frame): (scan index, truth, ENU position, covariance, range,
    SNR) of those detected."""
    geom = radar_geometry(world, battery, rs.radar)
    spec = geom.spec
    threats = world.threats
    i, count, spacing_m, js_db = copies.threat, copies.count, copies.spacing_m, copies.js_db
    idx = np.full(scans.size, i)
    t = rs.time_s[scans]
    ecef = positions_ecef(threats, idx, t)
    rel = battery.frame.ecef_to_enu(ecef) - geom.enu_m
    alt = altitudes_m(threats, idx, t)
    seen, rng_m, az, el = visible(geom, rel, alt - world.horizon_ref_alt_m)
    mask_by_terrain(world, battery, geom, ecef, seen)
    scans, idx, t = scans[seen], idx[seen], t[seen]
    rng_m, az, el, ecef, rel, alt = rng_m[seen], az[seen], el[seen], ecef[seen], rel[seen], alt[seen]
    # Each copy is received like an echo of cross-section sigma x J/S: the live cross-section the
    # radar's band sees, the surface's multipath and clutter, noise jamming.
    rcs_m2 = live_rcs_m2(threats, idx, t, ecef, battery.radars.ecef_m[rs.radar], spec.frequency_ghz)
    path = battery_path_terms(world, battery, geom, rng_m, alt, el)
    jnr_db = look_jnr_db(world, battery, spec, geom.enu_m, geom.antenna_height_m, t, rel, copies.jammers)
    snr_db = look_snr_db(spec, rng_m, rcs_m2 * 10.0 ** (js_db / 10.0), jnr_db, path)
    k = np.arange(1, count + 1)
    f_scan = np.repeat(scans, count)
    f_rng = (rng_m[:, None] + spacing_m * k[None, :]).reshape(-1)
    f_az, f_el = np.repeat(az, count), np.repeat(el, count)
    f_snr = np.repeat(snr_db, count)
    hit = radar.draw_detections(radar.probability_of_detection(f_snr, spec.pfa, 0), rng)
    inside = f_rng <= spec.max_range_m
    keep = hit & inside
    m_rng, m_az, m_el = noisy_measurements(spec, f_rng[keep], f_az[keep], f_el[keep], rng)
    z, cov = measurements_enu(geom, m_rng, m_az, m_el)
    return (
        f_scan[keep].astype(np.float64),
        np.full(int(np.count_nonzero(keep)), false_target_truth(i), dtype=np.float64),
        np.asarray(z, np.float64).reshape(-1, 3),
        np.asarray(cov, np.float64).reshape(-1, 3, 3),
        np.asarray(m_rng, np.float64),
        f_snr[keep],
    )


def _site_sidelobe_false_targets(
    world: World,
    battery: CompiledBattery,
    rs: RadarScans,
    scans: IntArray,
    copies: Repeater,
    rng: np.random.Generator,
) -> tuple[FloatArray, ...]:
    """Sidelobe false targets of stand-off repeater ``copies`` in scans ``scans`` of a radar of ``battery``
    standing at its frame's origin (positions in that frame), where it can see the jammer: (scan
    index, truth, ENU position, covariance, range, SNR) of those detected and not blanked, and the
    scan index of each detected copy the sidelobe blanker removed."""
    geom = radar_geometry(world, battery, rs.radar)
    spec = geom.spec
    threats = world.threats
    i, count, spacing_m, js_db = copies.threat, copies.count, copies.spacing_m, copies.js_db
    rel3, on = jammer_geometry(
        world, battery, geom.enu_m, geom.antenna_height_m, np.array([i]), rs.time_s[scans]
    )
    scans = scans[on[:, 0]]
    rel3 = rel3[on[:, 0]]
    rel = rel3[:, 0]
    t = rs.time_s[scans]
    j_rng, _, j_el = frames.enu_to_spherical(rel)
    rcs_m2 = live_rcs_m2(
        threats,
        np.full(scans.size, i),
        t,
        battery.frame.enu_to_ecef(rel + geom.enu_m),
        battery.radars.ecef_m[rs.radar],
        spec.frequency_ghz,
    )
    # Copy k of a scan: a random beam direction at the jammer's elevation, k spacings beyond it.
    f_scan = np.repeat(scans, count)
    f_az = rng.uniform(0.0, 2.0 * np.pi, f_scan.size)
    f_el = np.repeat(j_el, count)
    f_rng = (j_rng[:, None] + spacing_m * np.arange(1, count + 1)[None, :]).reshape(-1)
    u, v, front = antenna.beam_sines(f_az, f_el, np.repeat(rel, count, axis=0))
    gain_db = antenna.pulse_gain_db(radar_antenna(spec), u, v, front)
    look = frames.spherical_to_enu(f_rng, f_az, f_el)
    jnr_db = look_jnr_db(
        world, battery, spec, geom.enu_m, geom.antenna_height_m, rs.time_s[f_scan], look, copies.jammers
    )
    power_m2 = np.repeat(rcs_m2, count) * 10.0 ** ((js_db + gain_db) / 10.0)
    f_snr = look_snr_db(spec, np.repeat(j_rng, count), power_m2, jnr_db)
    hit = radar.draw_detections(radar.probability_of_detection(f_snr, spec.pfa, 0), rng)
    inside = in_radar_coverage(spec, f_rng, f_az, f_el)
    keep = hit & inside
    # Measurement noise is drawn for every detected copy, blanked or not, so that the blanker changes
    # nothing else a seed draws.
    m_rng, m_az, m_el = noisy_measurements(spec, f_rng[keep], f_az[keep], f_el[keep], rng)
    passed = np.ones(int(np.count_nonzero(keep)), dtype=np.bool_)
    if np.isfinite(spec.sidelobe_blanker_guard_db):
        passed = ~antenna.sidelobe_blanked(gain_db[keep], spec.sidelobe_blanker_guard_db, BLANKING_RATIO_DB)
    z, cov = measurements_enu(geom, m_rng[passed], m_az[passed], m_el[passed])
    return (
        f_scan[keep][passed].astype(np.float64),
        np.full(int(np.count_nonzero(passed)), false_target_truth(i), dtype=np.float64),
        np.asarray(z, np.float64).reshape(-1, 3),
        np.asarray(cov, np.float64).reshape(-1, 3, 3),
        np.asarray(m_rng[passed], np.float64),
        f_snr[keep][passed],
        f_scan[keep][~passed].astype(np.float64),
    )


@dataclass
class DeceptionTally:
    """What deception put into the trackers during a run, per radar and per deceiving threat."""

    world: World
    radars: dict[tuple[int, int], RadarDeception] = field(default_factory=dict)
    held: dict[int, set[tuple[str, int]]] = field(default_factory=dict)  # threat -> (picture, track)
    seduced: dict[int, set[tuple[str, int]]] = field(default_factory=dict)
    false_tracks: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = deceivers(self.world)

    @property
    def active(self) -> bool:
        return bool(self.ids)

    def scan(self, rs: RadarScans, k: int, rows: slice, alive: BoolArray, killed_s: FloatArray) -> None:
        """Scan ``k`` of radar ``rs`` handed its ``alive`` rows ``rows`` to the tracker (``killed_s``:
        when each threat was shot down)."""
        if not self.ids:
            return
        tally = self.radars.setdefault((rs.battery, rs.radar), RadarDeception())
        truth = rs.truth[rows][alive]
        tally.looks += int(np.count_nonzero(np.isin(truth, self.ids)))
        tally.false_targets += int(np.count_nonzero(truth <= FALSE_TARGET))
        tally.pulled_off += int(np.count_nonzero(pulled_rows(rs, rows)[alive]))
        if isinstance(rs, DeceivedScans) and rs.blanked_scan.size:
            mine = rs.blanked_jammer[rs.blanked_scan == k]
            tally.blanked += int(np.count_nonzero(killed_s[mine] > rs.time_s[k]))

    def step(
        self, picture: str, track_of_measurement: IntArray, truth: IntArray, pulled: BoolArray, firm: set[int]
    ) -> None:
        """A tracker step of ``picture``: which firm tracks held a deceiving threat, which of them a
        pulled-off measurement updated."""
        if not self.ids:
            return
        for track, threat, off in zip(
            track_of_measurement.tolist(), truth.tolist(), pulled.tolist(), strict=True
        ):
            if track in firm and threat in self.ids:
                self.held.setdefault(threat, set()).add((picture, track))
                if off:
                    self.seduced.setdefault(threat, set()).add((picture, track))

    def confirmed(self, label: int) -> None:
        """A track of label ``label`` was confirmed: a false track if it came from a false target."""
        if label <= FALSE_TARGET:
            jammer = FALSE_TARGET - label
            self.false_tracks[jammer] = self.false_tracks.get(jammer, 0) + 1

    def threat(self, i: int) -> ThreatDeception | None:
        """Summary figures of threat ``i`` (None: it carries no repeater jammer)."""
        if i not in self.ids:
            return None
        return ThreatDeception(
            tracks=len(self.held.get(i, ())),
            seduced_tracks=len(self.seduced.get(i, ())),
            false_tracks=self.false_tracks.get(i, 0),
        )

    def radar(self, b: int, k: int) -> RadarDeception | None:
        """Summary figures of radar ``k`` of battery ``b`` (None: no repeater jammer in the run)."""
        if not self.ids:
            return None
        return self.radars.get((b, k), RadarDeception())


def pulled_rows(rs: RadarScans, rows: slice) -> BoolArray:
    """Whether each of the rows ``rows`` of ``rs`` was measured at a pulled-off range."""
    if isinstance(rs, DeceivedScans):
        return np.asarray(rs.pulled[rows], dtype=np.bool_)
    return np.zeros(int(rows.stop) - int(rows.start), dtype=np.bool_)
