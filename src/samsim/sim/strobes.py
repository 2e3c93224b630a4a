"""Jam strobes and passive tracking: a jammer announces its bearing.

A radar whose beam sweeps across a noise jammer receives the jamming in its main lobe; when the J/N
exceeds the radar's detection threshold it reports a *strobe*, the direction of the jamming
(azimuth, elevation) and its J/N, once per scan. Its angle accuracy is the radar's own, degraded by
the thermal-noise angle error at that J/N (:func:`samsim.models.jamming.strobe_angle_sigma_rad`).
Like echo scans (:mod:`samsim.sim.sensing`), strobes are evaluated a window of scans at a time ahead
of the engine's loop (:mod:`samsim.sim.scan_windows`); the engine drops those of jammers shot down
before the scan.

During the run (:class:`PassiveNetwork`) each radar keeps *angle-only tracks*: strobes associated
scan to scan by nearest angle (global nearest neighbour), with the bearing rate of the last two
strobes. Whenever a radar updates an angle track, the angle tracks of every other radar of the
scenario (the battery's own and the other batteries', over their data link) are predicted to now
and paired with it by the chi-square of their two-ray intersection; the best partner of each other
radar that passes the gate joins a least-squares bearing intersection
(:func:`samsim.tracking.bearings.triangulate`) whose position and covariance go to the battery's
tracker as a measurement, so the jammer gets a position track that may be engaged (by an interceptor
that can home on jam). Strobes of two jammers that happen to intersect make a *ghost* fix, as in
real passive location; its track carries no threat.

Ghost rejection: with two radars, only the elevations test a fix (the chi-square of two rays has one
degree of freedom). A third radar decides: a fix is dropped when another radar that reports jamming
(it holds angle tracks) and would see the fix's point (above its horizon, inside its elevation
coverage) has no angle track whose ray passes through it within the gate — a real jammer there would
have been strobed by it too (Blackman & Popoli 1999, ch. 11: ghosts are resolved by a third sensor).
Limitation: a jammer below one radar's strobe threshold while that radar strobes another jammer is
taken for a ghost by it.

References
----------
S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking Systems*, Artech House, 1999,
    ch. 11 (passive tracking: strobe association, triangulation, ghosts).
D. J. Torrieri, "Statistical theory of passive location systems", *IEEE Trans. AES* 20(2), 1984.
A. Farina, "Electronic counter-countermeasures", ch. 24 of M. I. Skolnik (ed.), *Radar Handbook*,
    3rd ed., McGraw-Hill, 2008 (strobes, passive location of jammers, home-on-jam).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import optimize, stats

from samsim.arrays import FloatArray, IntArray
from samsim.catalog import RadarSpec
from samsim.constants import MEAN_EARTH_RADIUS_M
from samsim.models import frames, horizon, jamming, radar
from samsim.sim.jamming import jammer_geometry, jammer_jnr_db, jammers_of
from samsim.sim.sensing import radar_geometry
from samsim.sim.world import CompiledBattery, World
from samsim.tracking import bearings

# Fastest bearing rate an angle track allows for between strobes: 600 m/s crossing at 20 km
# (ASSUMED; a jammer closer and faster than that is seen by its echo anyway).
ANGLE_RATE_MAX_RADPS = 0.03
# Strobe-to-angle-track gate: normalised angular distance (chi-square 2 d.o.f., 99.9 %).
ANGLE_GATE_CHI2 = 13.8
# Strobes join one fix when their intersection's chi-square is below this quantile.
FIX_GATE_PROBABILITY = 0.99
# A fix coarser than this (1-sigma along its longest axis) is not a usable position: radars a few
# hundred metres apart see a jammer 200 km away along nearly parallel rays (ASSUMED, 10 km: the
# size of an engagement radar's search sector at that range).
FIX_MAX_SIGMA_M = 10_000.0
# An angle track not updated for this many revisits of its radar is dropped.
ANGLE_COAST_REVISITS = 3.5
# A radar reporting jamming that would see a fix's point but has no ray through it refutes the fix.
REJECT_GHOSTS = True
# Rays of one radar tried per fix, and the most combinations of them tried (then best rays only).
MAX_PARTNERS_PER_RADAR = 3
MAX_COMBINATIONS = 256


@dataclass(frozen=True)
class StrobeScans:
    """Every strobe of one radar: scan ``k`` has rows ``offsets[k]:offsets[k + 1]``.

    Angles are measured (noisy) in the battery's ENU frame at the antenna; ``jammer`` is the threat
    index of the jammer each strobe is of (truth, for the record only).
    """

    battery: int
    radar: int
    radar_id: str
    time_s: FloatArray
    offsets: IntArray
    jammer: IntArray
    az_rad: FloatArray
    el_rad: FloatArray
    sigma_az_rad: FloatArray
    sigma_el_rad: FloatArray
    jnr_db: FloatArray
    origin_ecef_m: FloatArray  # antenna
    rotation: FloatArray  # battery ENU rotation (ENU = R @ ECEF)
    frame_origin_ecef_m: FloatArray  # the battery frame's origin
    revisit_s: float
    min_elevation_rad: float = -np.pi / 2  # the radar's elevation coverage (ghost rejection)
    max_elevation_rad: float = np.pi / 2
    antenna_height_m: float = 0.0  # above the horizon reference surface
    refraction_k: float = 4.0 / 3.0
    # A battery that moves: (from_s, antenna ECEF, site ENU rotation) at each later site; a strobe
    # measured from then on is an angle at that antenna, in that site's ENU.
    moved: tuple[tuple[float, FloatArray, FloatArray], ...] = ()

    def antenna_at(self, t: float) -> tuple[FloatArray, FloatArray]:
        """Antenna position (ECEF) and the ENU rotation its angles are measured in, at ``t``."""
        origin, rotation = self.origin_ecef_m, self.rotation
        for from_s, o, r in self.moved:
            if t >= from_s:
                origin, rotation = o, r
        return origin, rotation


def strobe_threshold_db(spec: RadarSpec) -> float:
    """J/N above which a radar reports a strobe: the single-look SNR its receiver needs to declare a
    steady signal with probability 0.5 at its false-alarm probability (Skolnik 2001, ch. 2)."""
    return float(radar.required_snr_db(0.5, spec.pfa, 0))


def scan_strobes(world: World, b: int, k: int, time_s: FloatArray, rng: np.random.Generator) -> StrobeScans:
    """Every strobe of radar ``k`` of battery ``b`` at its scan times ``time_s`` (those of a battery
    that moves, each from the site it stood at then)."""
    battery = world.batteries[b]
    if not battery.sites:
        return _site_strobes(world, b, k, battery, time_s, rng)
    parts = []
    for site in battery.deployments:
        at = battery.at_site(site)
        parts.append(
            (
                site,
                _site_strobes(
                    world, b, k, at, time_s[(time_s >= site.from_s) & (time_s < site.until_s)], rng
                ),
            )
        )
    first = parts[0][1]
    offsets = [first.offsets]
    for _, p in parts[1:]:
        offsets.append(p.offsets[1:] + offsets[-1][-1])

    def joined(name: str) -> FloatArray:
        return np.concatenate([getattr(p, name) for _, p in parts])

    return replace(
        first,
        time_s=joined("time_s"),
        offsets=np.concatenate(offsets).astype(np.int64),
        jammer=joined("jammer").astype(np.int64),
        az_rad=joined("az_rad"),
        el_rad=joined("el_rad"),
        sigma_az_rad=joined("sigma_az_rad"),
        sigma_el_rad=joined("sigma_el_rad"),
        jnr_db=joined("jnr_db"),
        moved=tuple((site.from_s, p.origin_ecef_m, p.rotation) for site, p in parts[1:]),
    )


def _site_strobes(
    world: World, b: int, k: int, battery: CompiledBattery, time_s: FloatArray, rng: np.random.Generator
) -> StrobeScans:
    """Every strobe of radar ``k`` of ``battery`` standing at its frame's origin at ``time_s``
    (angles in that frame)."""
    spec = battery.radars.specs[k]
    geom = radar_geometry(world, battery, k)
    jammers = jammers_of(world)
    n_scan = time_s.size
    if jammers.size and n_scan:
        rel, on = jammer_geometry(world, battery, geom.enu_m, geom.antenna_height_m, jammers, time_s)
        rng_m, az, el = frames.enu_to_spherical(rel)
        on &= (el >= np.radians(spec.min_elevation_deg)) & (el <= np.radians(spec.max_elevation_deg))
        jnr = jammer_jnr_db(spec, rng_m, jammers, world, np.full(rng_m.shape, spec.antenna_gain_db))
        on &= jnr >= strobe_threshold_db(spec)  # (terrain masking: in jammer_geometry)
        scan_idx, j_idx = np.nonzero(on)
        jnr, az, el = jnr[on], az[on], el[on]
    else:
        scan_idx = j_idx = np.zeros(0, dtype=np.int64)
        jnr = az = el = np.zeros(0)
    s_az = jamming.strobe_angle_sigma_rad(
        np.radians(spec.beamwidth_az_deg), jnr, np.radians(spec.sigma_azimuth_deg)
    )
    s_el = jamming.strobe_angle_sigma_rad(
        np.radians(spec.beamwidth_el_deg), jnr, np.radians(spec.sigma_elevation_deg)
    )
    m_az = np.mod(az + s_az * rng.standard_normal(az.size), 2.0 * np.pi)
    m_el = el + s_el * rng.standard_normal(el.size)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(scan_idx, minlength=n_scan))]).astype(np.int64)
    return replace(
        _no_strobes(world, b, k, battery),
        time_s=time_s,
        offsets=offsets,
        jammer=jammers[j_idx].astype(np.int64),
        az_rad=np.asarray(m_az, np.float64),
        el_rad=np.asarray(m_el, np.float64),
        sigma_az_rad=np.asarray(s_az, np.float64),
        sigma_el_rad=np.asarray(s_el, np.float64),
        jnr_db=np.asarray(jnr, np.float64),
    )


def _no_strobes(world: World, b: int, k: int, battery: CompiledBattery) -> StrobeScans:
    """Radar ``k`` of ``battery`` (battery ``b`` at one of its sites) with no scan: the per-site
    fields alone."""
    spec = battery.radars.specs[k]
    geom = radar_geometry(world, battery, k)
    return StrobeScans(
        battery=b,
        radar=k,
        radar_id=battery.radars.ids[k],
        time_s=np.zeros(0),
        offsets=np.zeros(1, dtype=np.int64),
        jammer=np.zeros(0, dtype=np.int64),
        az_rad=np.zeros(0),
        el_rad=np.zeros(0),
        sigma_az_rad=np.zeros(0),
        sigma_el_rad=np.zeros(0),
        jnr_db=np.zeros(0),
        origin_ecef_m=np.asarray(battery.frame.enu_to_ecef(geom.enu_m), np.float64),
        rotation=battery.frame.rotation,
        frame_origin_ecef_m=np.asarray(world.batteries[b].frame.origin_ecef_m, np.float64),
        revisit_s=spec.revisit_s,
        min_elevation_rad=float(np.radians(spec.min_elevation_deg)),
        max_elevation_rad=float(np.radians(spec.max_elevation_deg)),
        antenna_height_m=geom.antenna_height_m,
        refraction_k=world.refraction_k,
    )


def empty_strobes(world: World, b: int, k: int) -> StrobeScans:
    """Radar ``k`` of battery ``b``'s strobe scans of no scan, as :func:`scan_strobes` gives them for
    no times (built directly: no jammer geometry evaluated, nothing drawn)."""
    battery = world.batteries[b]
    if not battery.sites:
        return _no_strobes(world, b, k, battery)
    sites = [(site, _no_strobes(world, b, k, battery.at_site(site))) for site in battery.deployments]
    return replace(
        sites[0][1], moved=tuple((site.from_s, p.origin_ecef_m, p.rotation) for site, p in sites[1:])
    )


@dataclass
class AngleTrack:
    """One radar's angle-only track of a jammer: its last strobe and the one before."""

    time_s: float
    az_rad: float
    el_rad: float
    sigma_az_rad: float
    sigma_el_rad: float
    jammer: int  # truth of the last strobe, for the record
    prev_time_s: float = np.nan
    prev_az_rad: float = np.nan
    prev_el_rad: float = np.nan

    @property
    def mature(self) -> bool:
        """Two strobes or more: a bearing rate, and a prediction no wider than the strobes' errors."""
        return bool(np.isfinite(self.prev_time_s))

    def predict(self, t: float) -> tuple[float, float, float, float]:
        """Angles and their standard deviations at ``t``: linear extrapolation through the last two
        strobes (variance ``sigma^2 ((1 + tau)^2 + tau^2)``, ``tau = dt / (t1 - t0)``), or the last
        strobe widened by a uniformly distributed bearing rate up to ``ANGLE_RATE_MAX_RADPS``."""
        dt = t - self.time_s
        if np.isfinite(self.prev_time_s) and self.time_s > self.prev_time_s:
            span = self.time_s - self.prev_time_s
            tau = dt / span
            d_az = float(_wrap(self.az_rad - self.prev_az_rad))
            grow = float(np.sqrt((1.0 + tau) ** 2 + tau**2))
            return (
                self.az_rad + d_az * tau,
                self.el_rad + (self.el_rad - self.prev_el_rad) * tau,
                self.sigma_az_rad * grow,
                self.sigma_el_rad * grow,
            )
        spread = ANGLE_RATE_MAX_RADPS * abs(dt) / np.sqrt(3.0)
        return (
            self.az_rad,
            self.el_rad,
            float(np.hypot(self.sigma_az_rad, spread)),
            float(np.hypot(self.sigma_el_rad, spread)),
        )


def _wrap(angle_rad: float | FloatArray) -> FloatArray:
    return np.asarray(np.mod(np.asarray(angle_rad) + np.pi, 2.0 * np.pi) - np.pi, dtype=np.float64)


@dataclass(frozen=True)
class PositionFix:
    """A triangulated jammer position for one battery's tracker (battery ENU)."""

    battery: int
    z_enu_m: FloatArray
    cov_enu_m2: FloatArray
    jammer: int  # -1: a ghost (strobes of different jammers)
    radars: int  # how many radars' strobes it intersects


@dataclass
class PassiveNetwork:
    """Angle-only tracks of every radar of the scenario, and the fixes their strobes make."""

    scans: list[StrobeScans]
    tracks: list[list[AngleTrack]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tracks = [[] for _ in self.scans]

    def update(self, j: int, k: int, t: float, killed_s: FloatArray) -> tuple[IntArray, list[PositionFix]]:
        """Scan ``k`` of strobe sensor ``j`` at ``t``: the rows of its strobes of live jammers, and the
        position fixes the updated angle tracks make with the other radars' angle tracks."""
        ss = self.scans[j]
        rows = np.arange(int(ss.offsets[k]), int(ss.offsets[k + 1]))
        if rows.size and killed_s.size:
            rows = rows[killed_s[ss.jammer[rows]] > t]
        own = [a for a in self.tracks[j] if t - a.time_s <= ANGLE_COAST_REVISITS * ss.revisit_s]
        updated = self._associate(own, ss, rows, t)
        self.tracks[j] = own
        fixes = [f for a in updated if (f := self._fix(j, a, t)) is not None]
        return rows, fixes

    def _associate(
        self, own: list[AngleTrack], ss: StrobeScans, rows: IntArray, t: float
    ) -> list[AngleTrack]:
        """Update ``own`` with the strobes ``rows`` (global nearest neighbour in angle), start tracks
        for the strobes left over; return the tracks updated or started."""
        if rows.size == 0:
            return []
        az, el = ss.az_rad[rows], ss.el_rad[rows]
        taken = np.full(rows.size, -1)
        if own:
            pred = np.array([a.predict(t) for a in own])
            d_az = _wrap(az[None, :] - pred[:, 0:1]) * np.cos(el)[None, :]
            d_el = el[None, :] - pred[:, 1:2]
            var_az = pred[:, 2:3] ** 2 + ss.sigma_az_rad[rows][None, :] ** 2
            var_el = pred[:, 3:4] ** 2 + ss.sigma_el_rad[rows][None, :] ** 2
            d2 = d_az**2 / var_az + d_el**2 / var_el
            cost = np.where(d2 <= ANGLE_GATE_CHI2, d2, 1e9)
            ti, si = optimize.linear_sum_assignment(cost)
            for a_i, s_i in zip(ti.tolist(), si.tolist(), strict=True):
                if cost[a_i, s_i] < 1e9:
                    taken[s_i] = a_i
        updated: list[AngleTrack] = []
        for s_i, row in enumerate(rows.tolist()):
            strobe = (t, float(ss.az_rad[row]), float(ss.el_rad[row]), float(ss.sigma_az_rad[row]))
            if taken[s_i] >= 0:
                a = own[taken[s_i]]
                a.prev_time_s, a.prev_az_rad, a.prev_el_rad = a.time_s, a.az_rad, a.el_rad
                a.time_s, a.az_rad, a.el_rad, a.sigma_az_rad = strobe
                a.sigma_el_rad = float(ss.sigma_el_rad[row])
                a.jammer = int(ss.jammer[row])
            else:
                a = AngleTrack(*strobe, float(ss.sigma_el_rad[row]), int(ss.jammer[row]))
                own.append(a)
            updated.append(a)
        return updated

    def _ray(self, j: int, a: AngleTrack, t: float) -> tuple[FloatArray, ...]:
        """Origin, direction, error axes (ECEF) and perpendicular angle sigmas of an angle track at t."""
        ss = self.scans[j]
        az, el, s_az, s_el = a.predict(t)
        d_enu = frames.spherical_to_enu(np.ones(1), np.array([az]), np.array([el]))[0]
        ax_a, ax_b = bearings.perpendiculars(d_enu)
        origin, rotation = ss.antenna_at(a.time_s)
        rot = rotation.T  # ENU -> ECEF
        return (
            origin,
            rot @ d_enu,
            rot @ ax_a,
            rot @ ax_b,
            np.array([s_az * np.cos(el), s_el]),
        )

    def _fix(self, j: int, a: AngleTrack, t: float) -> PositionFix | None:
        """The best fix of angle track ``a`` of radar ``j`` with the other radars' angle tracks: of
        every combination of at most one ray per other radar (each passing the two-ray gate with
        ``a``'s), the one joining the most rays whose intersection passes its chi-square gate (then
        the smallest chi-square); dropped as a ghost if a radar reporting jamming that would see its
        point has no ray through it."""
        if not a.mature:
            return None
        mine = self._ray(j, a, t)
        gate2 = float(stats.chi2.ppf(FIX_GATE_PROBABILITY, 1))
        options: list[list[tuple[tuple[FloatArray, ...], int]]] = []
        witnesses: list[tuple[int, list[tuple[FloatArray, ...]]]] = []  # radars reporting jamming
        for r, others in enumerate(self.tracks):
            if r == j:
                continue
            live = [o for o in others if t - o.time_s <= ANGLE_COAST_REVISITS * self.scans[r].revisit_s]
            if not live:
                continue
            rays = [self._ray(r, o, t) for o in live]
            witnesses.append((r, rays))
            # Only mature angle tracks join a fix (association over time: a single strobe, widened
            # by an unknown bearing rate, lines up with almost anything).
            rays = [ray for ray, o in zip(rays, live, strict=True) if o.mature]
            live = [o for o in live if o.mature]
            if not live:
                continue
            fix = _intersect([[mine, ray] for ray in rays])
            score = np.where(fix.valid, fix.chi2, np.inf)
            order = [int(i) for i in np.argsort(score)[:MAX_PARTNERS_PER_RADAR] if score[i] <= gate2]
            if order:
                options.append([(rays[i], live[i].jammer) for i in order])
        best = _best_combination(mine, options)
        if best is None:
            return None
        position, cov, partners = best
        if REJECT_GHOSTS and any(
            self._sees(r, position, t) and not any(_passes_through(ray, position, cov) for ray in rays)
            for r, rays in witnesses
        ):
            return None  # a radar that would see it has no strobe through it: a ghost
        ss = self.scans[j]
        rot = ss.rotation
        jam = {a.jammer, *(jm for _, jm in partners)}
        return PositionFix(
            battery=ss.battery,
            z_enu_m=np.asarray(rot @ (position - ss.frame_origin_ecef_m), np.float64),
            cov_enu_m2=np.asarray(rot @ cov @ rot.T, np.float64),
            jammer=a.jammer if len(jam) == 1 else -1,
            radars=len(partners) + 1,
        )

    def _sees(self, r: int, point_ecef_m: FloatArray, t: float) -> bool:
        return _sees_point(self.scans[r], point_ecef_m, t)


def _best_combination(
    mine: tuple[FloatArray, ...], options: list[list[tuple[tuple[FloatArray, ...], int]]]
) -> tuple[FloatArray, FloatArray, list[tuple[tuple[FloatArray, ...], int]]] | None:
    """Of the combinations of at most one option per radar with ``mine``, the intersection joining
    the most rays that passes the chi-square gate (``2k - 3`` degrees of freedom) and the size limit,
    then the smallest chi-square: (position, covariance, partners), or None."""
    if not options:
        return None
    combos = [list(c) for c in itertools.product(*[[None, *o] for o in options])]
    if len(combos) > MAX_COMBINATIONS:  # too many: each radar's best ray only
        combos = [[o[0] for o in options]]
    picked = [[p for p in c if p is not None] for c in combos]
    best: tuple[int, float, FloatArray, FloatArray, list[tuple[tuple[FloatArray, ...], int]]] | None = None
    for size in sorted({len(p) for p in picked if p}, reverse=True):
        group = [p for p in picked if len(p) == size]
        fix = _intersect([[mine, *(ray for ray, _ in p)] for p in group])
        limit = float(stats.chi2.ppf(FIX_GATE_PROBABILITY, 2 * (size + 1) - 3))
        sigma = np.sqrt(np.max(np.linalg.eigvalsh(fix.covariance_m2), axis=1))
        ok = np.flatnonzero(fix.valid & (fix.chi2 <= limit) & (sigma <= FIX_MAX_SIGMA_M))
        if ok.size:
            i = int(ok[np.argmin(fix.chi2[ok])])
            best = (size, float(fix.chi2[i]), fix.position_m[i], fix.covariance_m2[i], group[i])
            break
    if best is None:
        return None
    return best[2], best[3], best[4]


def _passes_through(ray: tuple[FloatArray, ...], point_m: FloatArray, cov_m2: FloatArray) -> bool:
    """Whether a ray (origin, direction, error axes, angle sigmas) passes through a fix within the
    gate: its angular miss, normalised by the ray's sigmas and the fix's spread across it, under the
    chi-square (2 degrees of freedom) quantile ``FIX_GATE_PROBABILITY``."""
    origin, d, ax_a, ax_b, sig = ray
    rel = np.asarray(point_m) - origin
    rng_m = float(d @ rel)
    if rng_m <= 0.0:
        return False
    chi2 = 0.0
    for axis, s in ((ax_a, sig[0]), (ax_b, sig[1])):
        var = s**2 + float(axis @ cov_m2 @ axis) / rng_m**2
        chi2 += float(axis @ rel / rng_m) ** 2 / var
    return chi2 <= float(stats.chi2.ppf(FIX_GATE_PROBABILITY, 2))


def _sees_point(ss: StrobeScans, point_ecef_m: FloatArray, t: float) -> bool:
    """Whether the radar of ``ss`` would see a point at ``t``: inside its elevation coverage and above its
    horizon on the k·Re earth (the point's height above the sphere under the antenna from the local
    vertical and the horizontal distance, ``h = h_a + up + d^2 / 2 R``)."""
    origin, rotation = ss.antenna_at(t)
    rel = rotation @ (np.asarray(point_ecef_m) - origin)
    horiz = float(np.hypot(rel[0], rel[1]))
    slant = float(np.linalg.norm(rel))
    el = float(np.arctan2(rel[2], horiz))
    if not ss.min_elevation_rad <= el <= ss.max_elevation_rad:
        return False
    h1 = ss.antenna_height_m
    h2 = max(h1 + float(rel[2]) + horiz**2 / (2.0 * MEAN_EARTH_RADIUS_M), 0.0)
    arc = horizon.arc_from_slant_m(slant, h1, h2)
    return bool(horizon.above_horizon(arc, h1, h2, ss.refraction_k))


def _intersect(groups: list[list[tuple[FloatArray, ...]]]) -> bearings.Fix:
    """Triangulate each group of rays (all groups the same size)."""
    p = np.array([[r[0] for r in g] for g in groups])
    d = np.array([[r[1] for r in g] for g in groups])
    a = np.array([[r[2] for r in g] for g in groups])
    b = np.array([[r[3] for r in g] for g in groups])
    s = np.array([[r[4] for r in g] for g in groups])
    return bearings.triangulate(p, d, a, b, s[..., 0], s[..., 1])
