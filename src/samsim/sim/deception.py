"""Deception jamming in a run: pulled-off and false measurements in a radar's scans.

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
* **DRFM false targets**: every look of the radar at the threat (in its coverage and above its
  horizon) also holds ``false_targets`` copies at ``k x spacing`` behind it, at the echo's mean SNR plus
  the effective J/S, each detected with the Pd of a steady target at that SNR and measured with the
  radar's noise. They are false measurements (no threat): the tracker may confirm false tracks and
  the command post may shoot at them (saturation).

Limitations: the copies' SNR ignores noise jamming; a DRFM copy is at the threat's angle (no
angle deception).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from samsim.arrays import FloatArray
from samsim.models import deception as dm
from samsim.models import radar
from samsim.sim.sensing import (
    RadarScans,
    look_snr_db,
    measurements_enu,
    noisy_measurements,
    radar_geometry,
    visible,
)
from samsim.sim.world import World, altitudes_m, positions_ecef

# The copy must be this much stronger than the echo, after processing, to capture the range gate
# (ASSUMED: a 2:1 power ratio moves the centroid of the gate decisively; Schleher 1999, ch. 4).
CAPTURE_JS_DB = 3.0
# A pulled-off measurement counts as seduced when it lies this many range sigmas off the echo.
SEDUCED_SIGMAS = 3.0


@dataclass(frozen=True)
class DeceptionCounts:
    """What deception did to one radar's scans."""

    detections: int  # detections of deceiving threats
    seduced: int  # of them, measured at a pulled-off range
    false_targets: int  # DRFM false-target measurements added


def deceivers(world: World) -> list[int]:
    """Indices of the threats that carry a repeater jammer."""
    return [i for i, d in enumerate(world.threats.deception) if d is not None]


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
    eccm = dm.RadarEccm(spec.leading_edge_tracking, spec.frequency_agility, spec.pulse_compression_db)
    threats = world.threats
    scan_of = np.repeat(np.arange(rs.time_s.size), np.diff(rs.offsets))
    z, range_m = rs.z_enu_m.copy(), rs.range_m.copy()
    detections = seduced = 0
    extra: list[tuple[FloatArray, ...]] = []
    for i in ids:
        d = threats.deception[i]
        js_db = float(dm.effective_js_db(d.js_db, eccm, d.drfm))
        rows = np.flatnonzero(rs.truth == i)
        detections += rows.size
        if d.rgpo_mps2 is not None and rows.size and bool(dm.gate_captured(js_db, eccm, CAPTURE_JS_DB)):
            cycle = dm.rgpo_cycle_s(d.rgpo_hold_s, d.rgpo_mps2, d.rgpo_max_offset_m)
            since = np.mod(rs.time_s[scan_of[rows]] - threats.start_s[i], cycle)
            off = dm.rgpo_offset_m(since, d.rgpo_hold_s, d.rgpo_mps2, d.rgpo_max_offset_m)
            los = z[rows] - geom.enu_m
            z[rows] += off[:, None] * los / np.linalg.norm(los, axis=1, keepdims=True)
            range_m[rows] += off
            seduced += int(np.count_nonzero(off > SEDUCED_SIGMAS * spec.sigma_range_m))
        if d.false_targets and np.isfinite(js_db):
            extra.append(_false_targets(world, rs, i, d.false_targets, d.false_target_spacing_m, js_db, rng))
    if not extra:
        return replace(rs, z_enu_m=z, range_m=range_m), DeceptionCounts(detections, seduced, 0)
    f_scan, f_z, f_cov, f_rng, f_snr = (np.concatenate([e[k] for e in extra]) for k in range(5))
    all_scan = np.concatenate([scan_of, f_scan.astype(np.int64)])
    order = np.argsort(all_scan, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(all_scan, minlength=rs.time_s.size))]).astype(
        np.int64
    )
    out = replace(
        rs,
        offsets=offsets,
        truth=np.concatenate([rs.truth, np.full(f_scan.size, -1, dtype=np.int64)])[order],
        z_enu_m=np.concatenate([z, f_z])[order],
        r_enu_m2=np.concatenate([rs.r_enu_m2, f_cov])[order],
        range_m=np.concatenate([range_m, f_rng])[order],
        snr_db=np.concatenate([rs.snr_db, f_snr])[order],
    )
    return out, DeceptionCounts(detections, seduced, int(f_scan.size))


def _false_targets(
    world: World, rs: RadarScans, i: int, count: int, spacing_m: float, js_db: float, rng: np.random.Generator
) -> tuple[FloatArray, ...]:
    """DRFM false-target measurements of threat ``i`` in every scan that looks at it: (scan index,
    ENU position, covariance, range, SNR)."""
    battery = world.batteries[rs.battery]
    geom = radar_geometry(world, battery, rs.radar)
    spec = geom.spec
    threats = world.threats
    gone_s = min(threats.end_s[i], threats.leak_s[i])
    scans = np.flatnonzero((rs.time_s >= threats.start_s[i]) & (rs.time_s < gone_s))
    idx = np.full(scans.size, i)
    t = rs.time_s[scans]
    rel = battery.frame.ecef_to_enu(positions_ecef(threats, idx, t)) - geom.enu_m
    seen, rng_m, az, el = visible(geom, rel, altitudes_m(threats, idx, t) - world.horizon_ref_alt_m)
    scans, rng_m, az, el = scans[seen], rng_m[seen], az[seen], el[seen]
    snr_db = look_snr_db(spec, rng_m, np.full(rng_m.size, threats.rcs_m2[i])) + js_db
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
        np.asarray(z, np.float64).reshape(-1, 3),
        np.asarray(cov, np.float64).reshape(-1, 3, 3),
        np.asarray(m_rng, np.float64),
        f_snr[keep],
    )
