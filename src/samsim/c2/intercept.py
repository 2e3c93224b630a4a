"""Predicted intercept point (PIP) and launch feasibility against an interceptor's envelope.

Intercept geometry
    A track moving at constant velocity, ``p(t) = p + v t``, meets an interceptor whose reach after a
    time of flight ``t`` is the slant range ``r(t)`` (a monotone table, e.g.
    :func:`samsim.models.flyout.reach_profile`) at the smallest ``t > 0`` with
    ``|p + v t - L| = r(t)``, ``L`` the launcher. Between two table points ``r`` is linear,
    ``r = a + b t``, so each table segment is solved exactly by the quadratic
    ``(v.v - b**2) t**2 + 2 (q.v - a b) t + (q.q - a**2) = 0`` with ``q = p - L`` and ``a + b t >= 0``
    (the classical constant-speed collision triangle when the table is ``r = s t``; Shneydor 1998,
    ch. 1). A reach that depends on the target's altitude (tables flown at several altitudes:
    :func:`predict_intercept_by_altitude`) is read at each time node at the altitude the track has
    then. Segments are visited in time order; past one without a root the search skips to where the
    gap could first close, bounded by the tables' rise, envelope and slope across altitudes
    (:func:`_table_rise`, :func:`_pip_pair`), so no root is jumped and a pair costs a few segment
    tests, not a scan of the table.

Ballistic tracks
    A ballistic missile coasting above the dense air falls under gravity: extrapolating its track at
    constant velocity puts the PIP above the true trajectory by ``g t**2 / 2`` (~1.1 km after 15 s).
    A track given an acceleration ``a`` (:func:`track_acceleration_mps2`: gravity for the kinematic
    class :data:`samsim.c2.evaluation.BALLISTIC`, else none) is extrapolated with constant
    acceleration, ``p(t) = p + v t + a t**2 / 2`` (:func:`extrapolate_track`; the flat-earth,
    drag-free ballistic trajectory, Zarchan 2012, ch. 12; Bar-Shalom, Li & Kirubarajan 2001, §6.3.3,
    the constant-acceleration motion model), with ``a`` the central gravity ``-mu r / |r|**3`` at the
    track (``r`` from the earth's centre). Each segment is then solved with the target's motion
    linearised at the segment start (the quadratic above) and refined by Newton steps on the exact
    ``|q + v t + a t**2 / 2| - r(t)``; the skip bounds gain the acceleration's ``|a| d**2 / 2``.

Launch feasibility
    The PIP must lie inside the interceptor's envelope: slant range from the launcher in
    ``[min_range_m, max_range_m]``, altitude above the sphere (``|PIP - c| - R_e`` with the earth centre
    ``c`` in the battery frame, so curvature counts at 400 km) in ``[min_alt_m, max_alt_m]``, target
    speed ``<= max_target_speed_mps`` and time of flight ``<= max_flight_s``.

References
----------
Shneydor N. A., *Missile Guidance and Pursuit: Kinematics, Dynamics and Control*, Horwood, 1998.
Zarchan P., *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012.
Bar-Shalom Y., Li X. R., Kirubarajan T., *Estimation with Applications to Tracking and Navigation*,
Wiley, 2001.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.c2.evaluation import BALLISTIC_SPEED_MPS
from samsim.constants import GM_M3PS2
from samsim.geodesy import row_norms
from samsim.jit import njit, njit_inline

__all__ = [
    "ABOVE_MAX_ALTITUDE",
    "BELOW_MIN_ALTITUDE",
    "BELOW_MIN_RANGE",
    "BEYOND_MAX_RANGE",
    "FEASIBLE",
    "FLIGHT_TOO_LONG",
    "NO_SOLUTION",
    "REASON_NAMES",
    "TARGET_TOO_FAST",
    "extrapolate_track",
    "gravity_mps2",
    "launch_feasible",
    "predict_intercept",
    "pip_by_altitude_kernel",
    "altitude_row",
    "predict_intercept_by_altitude",
    "reach_bounds",
    "track_acceleration_mps2",
]

_F64 = NDArray[np.float64]

FEASIBLE = 0
NO_SOLUTION = 1
"""No intercept within the profile's time span (the target outruns or out-ranges the interceptor)."""
TARGET_TOO_FAST = 2
BELOW_MIN_RANGE = 3
BEYOND_MAX_RANGE = 4
BELOW_MIN_ALTITUDE = 5
ABOVE_MAX_ALTITUDE = 6
FLIGHT_TOO_LONG = 7
REASON_NAMES = {
    FEASIBLE: "feasible",
    NO_SOLUTION: "no_intercept",
    TARGET_TOO_FAST: "target_too_fast",
    BELOW_MIN_RANGE: "below_min_range",
    BEYOND_MAX_RANGE: "beyond_max_range",
    BELOW_MIN_ALTITUDE: "below_min_altitude",
    ABOVE_MAX_ALTITUDE: "above_max_altitude",
    FLIGHT_TOO_LONG: "flight_too_long",
}
"""Reason code -> name used in events."""


@njit
def _segment_root(
    qx: float,
    qy: float,
    qz: float,
    vx: float,
    vy: float,
    vz: float,
    a: float,
    b: float,
    t_lo: float,
    t_hi: float,
) -> float:
    """Smallest ``t`` in ``[t_lo, t_hi]`` with ``|q + v t| = a + b t >= 0``, or -1."""
    qa = vx * vx + vy * vy + vz * vz - b * b
    qb = 2.0 * (qx * vx + qy * vy + qz * vz - a * b)
    qc = qx * qx + qy * qy + qz * qz - a * a
    tol = 1e-9 * max(1.0, t_hi)
    best = -1.0
    if abs(qa) < 1e-12 * (vx * vx + vy * vy + vz * vz + b * b + 1.0):
        if qb != 0.0:
            best = -qc / qb
            if best < t_lo - tol or best > t_hi + tol or a + b * best < 0.0:
                best = -1.0
        return best
    disc = qb * qb - 4.0 * qa * qc
    if disc < 0.0:
        return -1.0
    sq = math.sqrt(disc)
    # numerically stable pair of roots
    w = -0.5 * (qb + math.copysign(sq, qb))
    r1 = w / qa
    r2 = qc / w if w != 0.0 else r1
    lo = min(r1, r2)
    hi = max(r1, r2)
    for root in (lo, hi):
        if t_lo - tol <= root <= t_hi + tol and a + b * root >= -tol:
            return min(max(root, t_lo), t_hi)
    return best


@njit
def _gap(
    qx: float,
    qy: float,
    qz: float,
    vx: float,
    vy: float,
    vz: float,
    ax: float,
    ay: float,
    az: float,
    t: float,
) -> tuple[float, float, float]:
    """Relative position ``q + v t + a t**2 / 2`` at ``t``."""
    h = 0.5 * t * t
    return qx + vx * t + ax * h, qy + vy * t + ay * h, qz + vz * t + az * h


@njit
def _accel_root(
    qx: float,
    qy: float,
    qz: float,
    vx: float,
    vy: float,
    vz: float,
    ax: float,
    ay: float,
    az: float,
    a: float,
    b: float,
    t_lo: float,
    t_hi: float,
) -> float:
    """Smallest ``t`` in ``[t_lo, t_hi]`` with ``|q + v t + a t**2 / 2| = a + b t``, or -1: the root of
    the motion linearised at ``t_lo``, refined by Newton steps on the exact gap."""
    # tangent line at t_lo, written as q' + v' t for the absolute time t
    h = 0.5 * t_lo * t_lo
    root = _segment_root(
        qx - ax * h,
        qy - ay * h,
        qz - az * h,
        vx + ax * t_lo,
        vy + ay * t_lo,
        vz + az * t_lo,
        a,
        b,
        t_lo,
        t_hi,
    )
    if root < 0.0:
        return root
    for _ in range(4):
        ex, ey, ez = _gap(qx, qy, qz, vx, vy, vz, ax, ay, az, root)
        d = math.sqrt(ex * ex + ey * ey + ez * ez)
        f = d - (a + b * root)
        if d <= 0.0:
            break
        fp = (ex * (vx + ax * root) + ey * (vy + ay * root) + ez * (vz + az * root)) / d - b
        if fp == 0.0:
            break
        step = f / fp
        root = min(max(root - step, t_lo), t_hi)
        if abs(step) < 1e-9 * max(1.0, t_hi):
            break
    return root


@njit
def _table_rise(r: _F64, t_grid: _F64, alt_grid: _F64, curves: _F64) -> int:
    """Usable length of the (altitudes ``alt_grid``, times ``t_grid``) reach table ``r`` (nan in its
    first row marks the end of its flights: :class:`samsim.sim.weapons.ReachTable` fills the rows to
    end together), and into ``curves`` (3, times) three bounds of the reach, each non-decreasing in
    time:

    * ``curves[0]``, its rise: the most the reach can grow at a fixed altitude from the first node to
      each node, the sum over the segments of the largest rise of any row (0 where all fall); between
      nodes ``i < j`` the reach at any one altitude grows by at most ``curves[0, j] - curves[0, i]``,
      steps and all (a lofted shot that suddenly reaches 14 km farther);
    * ``curves[1]``, its envelope: the largest reach of any row at each node and all before it;
    * ``curves[2]``, the steepest change of the reach with altitude, ``|dr/dh|`` between adjacent
      rows, at each node and all before it (the rows part only late in flight, where the thick air
      slows a missile most).

    They bound the intercept search's skips (:func:`_pip_pair`) however steep a table's step is."""
    n_t = t_grid.size
    n_alt = r.shape[0]
    n_ok = 0
    while n_ok < n_t and not math.isnan(r[0, n_ok]):
        n_ok += 1
    for i in range(n_ok):
        most_rise = 0.0
        most = r[0, i]
        steep = 0.0
        for a in range(n_alt):
            most = max(most, r[a, i])
            if i > 0:
                most_rise = max(most_rise, r[a, i] - r[a, i - 1])
            if a > 0:
                steep = max(steep, abs(r[a, i] - r[a - 1, i]) / (alt_grid[a] - alt_grid[a - 1]))
        if i == 0:
            curves[0, i] = 0.0
            curves[1, i] = most
            curves[2, i] = steep
        else:
            curves[0, i] = curves[0, i - 1] + most_rise
            curves[1, i] = max(curves[1, i - 1], most)
            curves[2, i] = max(curves[2, i - 1], steep)
    return n_ok


@njit_inline
def _skip(
    room: float,
    lin: float,
    coef: float,
    steep: _F64,
    quad: float,
    t: float,
    t_grid: _F64,
    curve: _F64,
    i: int,
    n_ok: int,
) -> tuple[float, int]:
    """How far past ``t = t_grid[i]`` a gap ``room`` surely stays open when by ``t' = t + d`` it closes
    by at most ``(lin + coef steep(t')) d + quad d**2 + curve(t')`` (``steep`` and ``curve``
    non-decreasing, ``curve`` linear between nodes): the time and the node that starts its segment,
    found by a galloping search over the nodes from ``i`` (and inside the last segment exactly when
    ``quad`` and ``coef`` are 0); ``(-1, -1)`` when the gap stays open to the table's end
    (``i < n_ok - 1``)."""
    if curve[i] >= room:  # no time to close
        return t, i
    # gallop out from i (a skip near a root spans a node or two), then bisect
    lo = i
    hi = i + 1
    step = 1
    while True:
        d = t_grid[hi] - t
        if (lin + coef * steep[hi]) * d + quad * d * d + curve[hi] >= room:
            break
        if hi == n_ok - 1:
            return -1.0, -1
        lo = hi
        step *= 2
        hi = min(i + step, n_ok - 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        d = t_grid[mid] - t
        if (lin + coef * steep[mid]) * d + quad * d * d + curve[mid] < room:
            lo = mid
        else:
            hi = mid
    if quad != 0.0 or coef != 0.0:
        return t_grid[lo], lo
    d = t_grid[lo] - t
    grow = (curve[hi] - curve[lo]) / (t_grid[hi] - t_grid[lo])
    past = t_grid[lo] + (room - lin * d - curve[lo]) / (lin + grow)
    return min(max(past, t_grid[lo]), t_grid[hi]), lo


@njit_inline
def altitude_row(alt_grid: _F64, h: float) -> tuple[int, float]:
    """Where altitude ``h`` falls among a table's rows ``alt_grid``: the row ``a`` at or below it and
    the weight ``w`` of the row above (a value reads ``v[a] + w (v[a + 1] - v[a])``); ``w`` is 0, and
    row ``a`` read alone, below the first row, above the last, and with one row."""
    n_alt = alt_grid.size
    if n_alt == 1 or h <= alt_grid[0]:
        return 0, 0.0
    if h >= alt_grid[n_alt - 1]:
        return n_alt - 1, 0.0
    a = 0
    while alt_grid[a + 1] < h:
        a += 1
    return a, (h - alt_grid[a]) / (alt_grid[a + 1] - alt_grid[a])


@njit_inline
def _reach_at(r: _F64, alt_grid: _F64, i: int, h: float) -> float:
    """Reach at time node ``i`` of the (altitudes, times) table ``r`` against a target at altitude
    ``h``: linear between the two rows about ``h``, the end row beyond them (:func:`altitude_row`)."""
    a, w = altitude_row(alt_grid, h)
    if w == 0.0:
        return r[a, i]  # type: ignore[no-any-return]
    return r[a, i] + w * (r[a + 1, i] - r[a, i])  # type: ignore[no-any-return]


@njit_inline
def _reach_along(
    r: _F64,
    alt_grid: _F64,
    i: int,
    ex: float,
    ey: float,
    ez: float,
    launcher: _F64,
    center: _F64,
    radius: float,
) -> float:
    """:func:`_reach_at` at node ``i`` for a target at ``launcher + e`` (altitude above the sphere
    of ``center`` and ``radius``); a one-row table needs no altitude."""
    if alt_grid.size == 1:
        return r[0, i]  # type: ignore[no-any-return]
    x = launcher[0] + ex - center[0]
    y = launcher[1] + ey - center[1]
    z = launcher[2] + ez - center[2]
    return _reach_at(r, alt_grid, i, math.sqrt(x * x + y * y + z * z) - radius)


@njit
def _climb_bound(
    qx: float,
    qy: float,
    qz: float,
    vx: float,
    vy: float,
    vz: float,
    speed: float,
    accel: float,
    t_end: float,
    launcher: _F64,
    center: _F64,
) -> float:
    """A bound on the rate ``|dh/dt|`` at which the altitude above the sphere of a track at
    ``launcher + q + v t + a t**2 / 2`` changes over ``[0, t_end]`` (``|a|`` = ``accel``).

    ``dh/dt = u(t) . v(t)`` with ``u`` the unit vector from the earth's centre, and
    ``|u(t) - u(0)| <= 2 |p(t) - p(0)| / |p(0) - c|`` (for vectors ``x``, ``y``:
    ``|x/|x| - y/|y|| <= 2 |x - y| / |x|``), so ``|dh/dt| <= |u(0) . v| + |a| t + 2 |p(t) - p(0)|
    |v(t)| / |p(0) - c|``, largest at ``t_end``; never more than the speed itself. A level flight's is
    tens of metres a second over a table's minutes, where the speed would be hundreds."""
    rx = launcher[0] + qx - center[0]
    ry = launcher[1] + qy - center[1]
    rz = launcher[2] + qz - center[2]
    rho = math.sqrt(rx * rx + ry * ry + rz * rz)
    top = speed + accel * t_end
    if rho <= 0.0:
        return top
    radial = abs(rx * vx + ry * vy + rz * vz) / rho
    moved = speed * t_end + 0.5 * accel * t_end * t_end
    return min(top, float(radial + accel * t_end + 2.0 * moved * top / rho))


@njit
def _pip_pair(
    p: _F64,
    v: _F64,
    acc: _F64,
    k: int,
    launchers: _F64,
    l_idx: int,
    t_grid: _F64,
    alt_grid: _F64,
    r: _F64,
    n_ok: int,
    curves: _F64,
    center: _F64,
    radius: float,
    d: float,
    tof: _F64,
    pip: _F64,
) -> None:
    """Track ``k`` against launcher ``l_idx`` with the (altitudes ``alt_grid``, times ``t_grid``) reach
    table ``r``, read at each time node at the altitude the target is predicted at then (usable length
    ``n_ok``; ``curves`` its rise, envelope and slope across rows, :func:`_table_rise`): writes
    ``tof[k, l_idx]`` and ``pip[k, l_idx]``. Between nodes the reach is linear in time.

    Segments are solved in time order; past a segment without a root, at ``t`` with the gap
    ``g = |q(t)| - r(t) > 0``, no root comes before either of the times where the gap could first
    close (:func:`_skip`), so the search goes on from the later one:

    * ``g = (s + c k(t')) d + |a| d**2 / 2 + rise(t') - rise(t)`` with ``d = t' - t``: ``s`` the
      track's speed at ``t``, ``a`` its acceleration, ``c`` its climb rate (:func:`_climb_bound`) and
      ``k`` the reach's slope across rows so far, so ``c k`` bounds the reach's change by the
      altitude; the rise its change in time;
    * ``|q(t)| = s d + |a| d**2 / 2 + envelope(t')``: no altitude reaches farther than the envelope,
      which serves a fast climbing or diving track best."""
    tof[k, l_idx] = np.nan
    pip[k, l_idx, 0] = np.nan
    pip[k, l_idx, 1] = np.nan
    pip[k, l_idx, 2] = np.nan
    if n_ok < 2:
        return
    ax = acc[k, 0]
    ay = acc[k, 1]
    az = acc[k, 2]
    accelerated = ax != 0.0 or ay != 0.0 or az != 0.0
    launcher = launchers[l_idx]
    # the track's state at launch (after the delay), relative to the launcher
    vx = v[k, 0] + ax * d
    vy = v[k, 1] + ay * d
    vz = v[k, 2] + az * d
    qx = p[k, 0] + v[k, 0] * d + 0.5 * ax * d * d - launcher[0]
    qy = p[k, 1] + v[k, 1] * d + 0.5 * ay * d * d - launcher[1]
    qz = p[k, 2] + v[k, 2] * d + 0.5 * az * d * d - launcher[2]
    t = t_grid[0]
    i = 0
    t_end = t_grid[n_ok - 1]
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    accel = math.sqrt(ax * ax + ay * ay + az * az) if accelerated else 0.0
    # how fast the track's altitude can change: times the reach's slope across rows, how fast the
    # reach along its path can change with it
    climb = 0.0
    rise = curves[0]
    envelope = curves[1]
    steep = curves[2]
    if alt_grid.size > 1 and steep[n_ok - 1] > 0.0:
        climb = _climb_bound(qx, qy, qz, vx, vy, vz, speed, accel, t_end, launcher, center)
    ex, ey, ez = _gap(qx, qy, qz, vx, vy, vz, ax, ay, az, t_grid[0])
    r_i = _reach_along(r, alt_grid, 0, ex, ey, ez, launcher, center, radius)
    at = 0  # the node r_i belongs to
    while t <= t_end:
        # the segment holding t: the last i with t_grid[i] <= t, at most n_ok - 2 (what
        # ``searchsorted(t_grid[:n_ok], t, side="right") - 1`` gives), found by stepping on from the
        # previous one (t only grows, a few segments a jump: cheaper than a bisection each time)
        while i < n_ok - 2 and t_grid[i + 1] <= t:
            i += 1
        if at != i:
            ex, ey, ez = _gap(qx, qy, qz, vx, vy, vz, ax, ay, az, t_grid[i])
            r_i = _reach_along(r, alt_grid, i, ex, ey, ez, launcher, center, radius)
            at = i
        ex, ey, ez = _gap(qx, qy, qz, vx, vy, vz, ax, ay, az, t_grid[i + 1])
        r_next = _reach_along(r, alt_grid, i + 1, ex, ey, ez, launcher, center, radius)
        b = (r_next - r_i) / (t_grid[i + 1] - t_grid[i])
        a = r_i - b * t_grid[i]
        if accelerated:
            root = _accel_root(qx, qy, qz, vx, vy, vz, ax, ay, az, a, b, t, t_grid[i + 1])
        else:
            root = _segment_root(qx, qy, qz, vx, vy, vz, a, b, t, t_grid[i + 1])
        if root >= 0.0:
            tof[k, l_idx] = root
            if accelerated:
                ex, ey, ez = _gap(qx, qy, qz, vx, vy, vz, ax, ay, az, root)
                pip[k, l_idx, 0] = ex + launcher[0]
                pip[k, l_idx, 1] = ey + launcher[1]
                pip[k, l_idx, 2] = ez + launcher[2]
            else:
                pip[k, l_idx, 0] = p[k, 0] + vx * (d + root)
                pip[k, l_idx, 1] = p[k, 1] + vy * (d + root)
                pip[k, l_idx, 2] = p[k, 2] + vz * (d + root)
            return
        if i >= n_ok - 2:
            return
        # no root up to the segment end; from there the gap closes no faster than the track moves
        # and the reach grows
        i += 1
        t = t_grid[i]
        r_i = r_next
        at = i
        dist = math.sqrt(ex * ex + ey * ey + ez * ez)
        gap = dist - r_next
        if gap > 0.0:
            # the track's speed from here, its distance growing by at most that plus accel d
            wx, wy, wz = vx + ax * t, vy + ay * t, vz + az * t
            now = math.sqrt(wx * wx + wy * wy + wz * wz)
            t_rise, i_rise = _skip(gap + rise[i], now, climb, steep, 0.5 * accel, t, t_grid, rise, i, n_ok)
            if i_rise < 0:
                return  # the gap cannot close within the table
            if dist > envelope[i]:
                t_env, i_env = _skip(dist, now, 0.0, steep, 0.5 * accel, t, t_grid, envelope, i, n_ok)
                if i_env < 0:
                    return
                if t_env > t_rise:
                    t_rise, i_rise = t_env, i_env
            t = t_rise
            i = min(i_rise, n_ok - 2)


_NO_CENTER = np.zeros(3)
_ONE_ROW = np.zeros(1)


@njit
def _pip_kernel(
    p: _F64,
    v: _F64,
    acc: _F64,
    launchers: _F64,
    t_grid: _F64,
    r_tab: _F64,
    delay_s: float,
    center: _F64,
    one_row: _F64,
    tof: _F64,
    pip: _F64,
) -> None:
    curves = np.empty((3, t_grid.size))
    for l_idx in range(launchers.shape[0]):
        table = r_tab[l_idx : l_idx + 1]
        n_ok = _table_rise(table, t_grid, one_row, curves)
        for k in range(p.shape[0]):
            _pip_pair(
                p,
                v,
                acc,
                k,
                launchers,
                l_idx,
                t_grid,
                one_row,
                table,
                n_ok,
                curves,
                center,
                0.0,
                delay_s,
                tof,
                pip,
            )


@njit
def pip_by_altitude_kernel(
    p: _F64,
    v: _F64,
    acc: _F64,
    launchers: _F64,
    t_grid: _F64,
    alt_grid: _F64,
    r_tab: _F64,
    n_ok: NDArray[np.int64],
    curves: _F64,
    center: _F64,
    radius: float,
    tof: _F64,
    pip: _F64,
) -> None:
    """:func:`_pip_kernel` with no launch delay on reach tables by target altitude (one (altitudes,
    times) table per launcher in ``r_tab``, with its usable length and bounds:
    :class:`samsim.sim.weapons.ReachTable`); :func:`predict_intercept_by_altitude` for compiled
    callers that plan several launch sites in one pass."""
    for l_idx in range(launchers.shape[0]):
        for k in range(p.shape[0]):
            _pip_pair(
                p,
                v,
                acc,
                k,
                launchers,
                l_idx,
                t_grid,
                alt_grid,
                r_tab[l_idx],
                n_ok[l_idx],
                curves[l_idx],
                center,
                radius,
                0.0,
                tof,
                pip,
            )


def predict_intercept_by_altitude(
    track_pos_m: _F64,
    track_vel_mps: _F64,
    launcher_pos_m: _F64,
    profile_time_s: _F64,
    profile_alt_m: _F64,
    range_m: _F64,
    track_acc_mps2: _F64,
    center_enu_m: _F64,
    earth_radius_m: float,
) -> tuple[_F64, _F64]:
    """:func:`predict_intercept` (no launch delay) with a reach that depends on the target's altitude:
    ``range_m`` (L, A, T) holds per launcher the reach after ``profile_time_s`` (T,) against targets at
    each of ``profile_alt_m`` (A,) above the sphere (``center_enu_m``, ``earth_radius_m``), and at
    each time node the search reads it at the altitude the track is predicted at then (linear between
    rows, the end rows beyond them). A missile flies faster in thin air, so against a target at 20 km
    a table flown at 10 km would plan its flight 15 % too long.

    Nan in ``range_m`` marks the end of a launcher's table in all its rows at once
    (:class:`samsim.sim.weapons.ReachTable`'s filling)."""
    p = np.ascontiguousarray(track_pos_m, dtype=np.float64).reshape(-1, 3)
    lau = np.ascontiguousarray(launcher_pos_m, dtype=np.float64).reshape(-1, 3)
    t_grid = np.ascontiguousarray(profile_time_s, dtype=np.float64)
    alt_grid = np.ascontiguousarray(profile_alt_m, dtype=np.float64)
    tab = np.ascontiguousarray(range_m, dtype=np.float64).reshape(lau.shape[0], alt_grid.size, t_grid.size)
    n_ok, curves = reach_bounds(t_grid, alt_grid, tab)
    tof = np.empty((p.shape[0], lau.shape[0]))
    pip = np.empty((p.shape[0], lau.shape[0], 3))
    pip_by_altitude_kernel(
        p,
        np.ascontiguousarray(track_vel_mps, dtype=np.float64).reshape(-1, 3),
        np.ascontiguousarray(track_acc_mps2, dtype=np.float64).reshape(-1, 3),
        lau,
        t_grid,
        alt_grid,
        tab,
        n_ok,
        curves,
        np.ascontiguousarray(center_enu_m, dtype=np.float64).reshape(3),
        float(earth_radius_m),
        tof,
        pip,
    )
    return tof, pip


def reach_bounds(profile_time_s: _F64, profile_alt_m: _F64, range_m: _F64) -> tuple[NDArray[np.int64], _F64]:
    """Per table of the (L, A, T) ``range_m``: its usable length and its rise, envelope and slope
    across altitudes (L, 3, T: :func:`_table_rise`), what :func:`pip_by_altitude_kernel` takes."""
    tab = np.ascontiguousarray(range_m, dtype=np.float64)
    t_grid = np.ascontiguousarray(profile_time_s, dtype=np.float64)
    alt_grid = np.ascontiguousarray(profile_alt_m, dtype=np.float64)
    n_ok = np.zeros(tab.shape[0], dtype=np.int64)
    curves = np.zeros((tab.shape[0], 3, t_grid.size))
    for l_idx in range(tab.shape[0]):
        n_ok[l_idx] = _table_rise(tab[l_idx], t_grid, alt_grid, curves[l_idx])
        if np.isnan(tab[l_idx, :, : n_ok[l_idx]]).any():
            raise ValueError("the rows of a reach table must end together (nan from the same node)")
    return n_ok, curves


def predict_intercept(
    track_pos_m: ArrayLike,
    track_vel_mps: ArrayLike,
    launcher_pos_m: ArrayLike,
    profile_time_s: ArrayLike,
    profile_range_m: ArrayLike,
    *,
    launch_delay_s: float = 0.0,
    track_acc_mps2: ArrayLike | None = None,
) -> tuple[_F64, _F64]:
    """Time of flight and predicted intercept point for every (track, launcher) pair.

    Parameters
    ----------
    track_pos_m, track_vel_mps
        (K, 3) track positions (now) and velocities, battery ENU frame.
    launcher_pos_m
        (L, 3) launcher positions.
    profile_time_s
        (T,) increasing times of flight.
    profile_range_m
        (T,) or (L, T) non-decreasing slant reach ``r(t)`` (one row per launcher when missiles differ);
        ``nan`` after a missile's last time (resample with ``np.interp(grid, t, r, right=np.nan)``).
    launch_delay_s
        Time from now to launch; the target moves on meanwhile.
    track_acc_mps2
        (K, 3) constant acceleration each track is extrapolated with (:func:`track_acceleration_mps2`);
        ``None``: constant velocity for all.

    Returns
    -------
    tof_s
        (K, L) time of flight from launch to the intercept, ``nan`` when the table has no solution.
    pip_m
        (K, L, 3) predicted intercept point, ``nan`` likewise.
    """
    p = np.ascontiguousarray(np.asarray(track_pos_m, dtype=np.float64).reshape(-1, 3))
    v = np.ascontiguousarray(np.asarray(track_vel_mps, dtype=np.float64).reshape(-1, 3))
    lau = np.ascontiguousarray(np.asarray(launcher_pos_m, dtype=np.float64).reshape(-1, 3))
    t_grid = np.ascontiguousarray(np.asarray(profile_time_s, dtype=np.float64))
    r_tab = np.asarray(profile_range_m, dtype=np.float64)
    r_tab = np.ascontiguousarray(np.broadcast_to(r_tab, (lau.shape[0], t_grid.size)))
    if track_acc_mps2 is None:
        acc = np.zeros_like(p)
    else:
        acc = np.ascontiguousarray(np.broadcast_to(np.asarray(track_acc_mps2, dtype=np.float64), p.shape))
    tof = np.empty((p.shape[0], lau.shape[0]))
    pip = np.empty((p.shape[0], lau.shape[0], 3))
    _pip_kernel(p, v, acc, lau, t_grid, r_tab, float(launch_delay_s), _NO_CENTER, _ONE_ROW, tof, pip)
    return tof, pip


def gravity_mps2(pos_m: ArrayLike, center_enu_m: ArrayLike, gm_m3ps2: float = GM_M3PS2) -> _F64:
    """Central gravity ``g = -mu r / |r|**3`` at each point, ``r`` from the earth centre (Newton's law
    of gravitation for a spherical earth; the same field the flyout and threat flights use).

    Parameters
    ----------
    pos_m
        (K, 3) points in a local ENU frame.
    center_enu_m
        (3,) earth centre in that frame.
    gm_m3ps2
        Geocentric gravitational constant.

    Returns
    -------
    (K, 3) acceleration, pointing to the earth centre.
    """
    r = np.asarray(pos_m, dtype=np.float64).reshape(-1, 3) - np.asarray(center_enu_m, dtype=np.float64)
    n = row_norms(r)[:, None]  # np.linalg.norm(r, axis=1, keepdims=True)'s floats, in fewer passes
    return np.asarray(-gm_m3ps2 * r / n**3, dtype=np.float64)


@njit
def maybe_as_fast(vel_mps: _F64, speed_mps: float) -> NDArray[np.bool_]:
    """Which of the (K, 3) velocities may be as fast as ``speed_mps``: a margin of 1e-9 relative below
    it, so that no rounding of the speed's norm decides (the caller then compares exactly)."""
    floor = (speed_mps * (1.0 - 1e-9)) ** 2
    out = np.empty(vel_mps.shape[0], dtype=np.bool_)
    for k in range(vel_mps.shape[0]):
        out[k] = vel_mps[k, 0] ** 2 + vel_mps[k, 1] ** 2 + vel_mps[k, 2] ** 2 >= floor
    return out


def track_acceleration_mps2(
    pos_m: ArrayLike, vel_mps: ArrayLike, height_m: ArrayLike | None, center_enu_m: ArrayLike
) -> _F64:
    """Acceleration a track is predicted with: gravity (:func:`gravity_mps2` at the track) for the
    kinematic class :data:`~samsim.c2.evaluation.BALLISTIC` (a coasting ballistic missile falls
    freely; Zarchan 2012, ch. 12), none for the others (aircraft, cruise missiles and drones hold
    their height: their lift carries their weight).

    Parameters
    ----------
    pos_m, vel_mps
        (K, 3) track positions and velocities, ENU frame.
    height_m
        (K,) height of each track above the earth's sphere (what
        :func:`samsim.c2.evaluation.classify_tracks` classifies by; its ballistic class is a speed
        band whatever the height, so it is not read here: ``None`` spares a caller computing it).
    center_enu_m
        (3,) earth centre in the frame, or (K, 3): each track's own (tracks in several frames).
    """
    pos = np.asarray(pos_m, dtype=np.float64).reshape(-1, 3)
    vel = np.asarray(vel_mps, dtype=np.float64).reshape(-1, 3)
    acc = np.zeros(pos.shape)
    # classify_tracks' ballistic class: its speed band alone (set last, whatever the height)
    del height_m
    center = np.asarray(center_enu_m, dtype=np.float64).reshape(-1, 3)
    rows = np.empty(pos.shape[0], dtype=np.int64)
    r = np.empty(pos.shape)
    norm = np.empty((pos.shape[0], 1))
    m = _ballistic_offsets(pos, vel, center, BALLISTIC_SPEED_MPS, rows, r, norm)
    if m:
        # gravity_mps2's floats: its offsets and norms from the pass, the power left to NumPy
        acc[rows[:m]] = -GM_M3PS2 * r[:m] / norm[:m] ** 3
    return acc


@njit
def _ballistic_offsets(
    pos: _F64,
    vel: _F64,
    center: _F64,
    speed_mps: float,
    rows: NDArray[np.int64],
    r: _F64,
    norm: _F64,
) -> int:
    """The rows of the (K, 3) velocities at least as fast as ``speed_mps`` (their norms as
    :func:`samsim.geodesy.row_norms` takes them: the squares summed x, y, z, then the square root,
    both correctly rounded) into ``rows``, with each one's offset from the earth centre ``center``
    (one row, or one per track) into ``r`` and that offset's norm into ``norm``; returns how many."""
    m = 0
    shared = center.shape[0] == 1
    for k in range(pos.shape[0]):
        vx, vy, vz = vel[k, 0], vel[k, 1], vel[k, 2]
        if not math.sqrt(vx * vx + vy * vy + vz * vz) >= speed_mps:
            continue
        c = 0 if shared else k
        rx = pos[k, 0] - center[c, 0]
        ry = pos[k, 1] - center[c, 1]
        rz = pos[k, 2] - center[c, 2]
        rows[m] = k
        r[m, 0] = rx
        r[m, 1] = ry
        r[m, 2] = rz
        norm[m, 0] = math.sqrt(rx * rx + ry * ry + rz * rz)
        m += 1
    return m


def extrapolate_track(pos_m: ArrayLike, vel_mps: ArrayLike, acc_mps2: ArrayLike, dt_s: ArrayLike) -> _F64:
    """Track position after ``dt_s`` at constant acceleration, ``p + v t + a t**2 / 2``.

    With ``a = g`` this is the drag-free ballistic trajectory in a uniform gravity field (Zarchan 2012,
    ch. 12, flat-earth ballistics); with ``a = 0`` the constant-velocity prediction. Bar-Shalom, Li &
    Kirubarajan 2001, §6.3.3 (the constant-acceleration motion model's transition).

    Parameters
    ----------
    pos_m, vel_mps, acc_mps2
        (..., 3) position, velocity, acceleration.
    dt_s
        (...) or scalar prediction time.
    """
    p = np.asarray(pos_m, dtype=np.float64)
    dt = np.asarray(dt_s, dtype=np.float64)[..., None]
    return np.asarray(
        p
        + np.asarray(vel_mps, dtype=np.float64) * dt
        + 0.5 * np.asarray(acc_mps2, dtype=np.float64) * dt * dt,
        dtype=np.float64,
    )


def launch_feasible(
    pip_m: ArrayLike,
    tof_s: ArrayLike,
    track_vel_mps: ArrayLike,
    launcher_pos_m: ArrayLike,
    center_enu_m: ArrayLike,
    earth_radius_m: float,
    *,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    min_alt_m: ArrayLike,
    max_alt_m: ArrayLike,
    max_target_speed_mps: ArrayLike,
    max_flight_s: ArrayLike,
) -> tuple[NDArray[np.bool_], NDArray[np.int8]]:
    """Whether each (track, launcher) pair may fire, and why not.

    Parameters
    ----------
    pip_m, tof_s
        (K, L, 3) and (K, L) from :func:`predict_intercept`.
    track_vel_mps
        (K, 3) track velocities (for the target-speed limit).
    launcher_pos_m
        (L, 3) launcher positions.
    center_enu_m, earth_radius_m
        Earth centre in the battery frame and the sphere radius: PIP altitude is
        ``|pip - center| - earth_radius_m``.
    min_range_m, max_range_m, min_alt_m, max_alt_m, max_target_speed_mps, max_flight_s
        Envelope of the interceptor on each launcher, scalars or (L,).

    Returns
    -------
    ok
        (K, L) bool.
    reason
        (K, L) int8: the first failed check in the order :data:`NO_SOLUTION`,
        :data:`TARGET_TOO_FAST`, :data:`BELOW_MIN_RANGE`, :data:`BEYOND_MAX_RANGE`,
        :data:`BELOW_MIN_ALTITUDE`, :data:`ABOVE_MAX_ALTITUDE`, :data:`FLIGHT_TOO_LONG`; else
        :data:`FEASIBLE`. Names in :data:`REASON_NAMES`.
    """
    pip = np.asarray(pip_m, dtype=np.float64)
    tof = np.asarray(tof_s, dtype=np.float64)
    lau = np.asarray(launcher_pos_m, dtype=np.float64).reshape(-1, 3)
    speed = np.linalg.norm(np.asarray(track_vel_mps, dtype=np.float64).reshape(-1, 3), axis=1)[:, None]
    slant = np.linalg.norm(pip - lau[None, :, :], axis=-1)
    alt = np.linalg.norm(pip - np.asarray(center_enu_m, dtype=np.float64), axis=-1) - earth_radius_m
    checks = [
        (np.isnan(tof), NO_SOLUTION),
        (speed > np.asarray(max_target_speed_mps, dtype=np.float64), TARGET_TOO_FAST),
        (slant < np.asarray(min_range_m, dtype=np.float64), BELOW_MIN_RANGE),
        (slant > np.asarray(max_range_m, dtype=np.float64), BEYOND_MAX_RANGE),
        (alt < np.asarray(min_alt_m, dtype=np.float64), BELOW_MIN_ALTITUDE),
        (alt > np.asarray(max_alt_m, dtype=np.float64), ABOVE_MAX_ALTITUDE),
        (tof > np.asarray(max_flight_s, dtype=np.float64), FLIGHT_TOO_LONG),
    ]
    reason = np.zeros(tof.shape, dtype=np.int8)
    # later checks first so that the earliest failing check wins
    for failed, code in reversed(checks):
        reason[np.broadcast_to(failed, tof.shape)] = code
    return reason == FEASIBLE, reason
