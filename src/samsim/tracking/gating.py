"""Mahalanobis gating of tracks against measurements through a uniform spatial grid.

A pair (track i, measurement j) passes the gate when its Mahalanobis distance
``d_ij = sqrt(nu^T S^-1 nu)``, ``nu = z_j - H x_i``, ``S = H P_i H^T + R_j``, is strictly below the gate
``g`` (Bar-Shalom, Li & Kirubarajan 2001, section 3.7.2; the strict inequality is Stone Soup's
``DistanceHypothesiser`` test ``distance < missed_distance``).

No n x m matrix is formed. The measurements are bucketed into a grid over their first two
coordinates holding about one measurement per cell (a counting sort, O(m)); each track visits only
the cells under its gate's bounding box. That box is exact for the ellipse: on axis a the gate
``d < g`` implies ``|nu_a| < g sqrt(S_aa)`` (Cauchy-Schwarz on ``S^-1/2 nu``), and ``S_aa <= P_aa
+ max_j R_j,aa``. Candidates in the box are then tested exactly, so the result equals the dense
test. The cost is O(m + n + candidates).

References
----------
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001, section 3.7.
S. S. Blackman and R. Popoli, "Design and Analysis of Modern Tracking Systems", Artech House, 1999,
section 6.3 (coarse gating by rectangular regions before the ellipsoidal test).
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit, njit_inline


@njit
def _grow_int(a: IntArray, size: int) -> IntArray:
    out = np.empty(size, dtype=np.int64)
    out[: a.shape[0]] = a
    return out


@njit
def _grow_float(a: FloatArray, size: int) -> FloatArray:
    out = np.empty(size)
    out[: a.shape[0]] = a
    return out


@njit_inline
def measurement_grid(
    z: FloatArray, meas: IntArray, gx: int
) -> tuple[float, float, float, float, int, int, float, float, IntArray, IntArray]:
    """The measurements ``meas`` (rows of ``z``, at least one) bucketed into a grid over their
    coordinates 0 and ``gx`` holding about one measurement per cell (a counting sort, O(m)): their
    bounding box ``x_lo, x_hi, y_lo, y_hi``, the cells ``nx`` by ``ny``, the inverse cell sides
    ``inv_x, inv_y`` (0 along an axis of no extent), and cell ``c = ix * ny + iy``'s measurements
    ``bucket[start[c]:start[c + 1]]`` (in the order of ``meas``)."""
    nm = meas.shape[0]
    x_lo = math.inf
    x_hi = -math.inf
    y_lo = math.inf
    y_hi = -math.inf
    for a in range(nm):
        j = meas[a]
        x_lo = min(x_lo, z[j, 0])
        x_hi = max(x_hi, z[j, 0])
        y_lo = min(y_lo, z[j, gx])
        y_hi = max(y_hi, z[j, gx])
    # about one measurement per cell: the cells under a gate are then few and nearly empty
    wx = x_hi - x_lo
    wy = y_hi - y_lo
    if wx > 0.0 and wy > 0.0:
        side = math.sqrt(wx * wy / nm)
        nx = min(max(int(wx / side), 1), nm)
        ny = min(max(int(wy / side), 1), nm)
    elif wx > 0.0:
        nx, ny = nm, 1
    elif wy > 0.0:
        nx, ny = 1, nm
    else:
        nx, ny = 1, 1
    inv_x = nx / wx if wx > 0.0 else 0.0
    inv_y = ny / wy if wy > 0.0 else 0.0
    cell_of = np.empty(nm, dtype=np.int64)
    for a in range(nm):
        j = meas[a]
        ix = min(int((z[j, 0] - x_lo) * inv_x), nx - 1)
        iy = min(int((z[j, gx] - y_lo) * inv_y), ny - 1)
        cell_of[a] = ix * ny + iy
    order, start = counting_sort(cell_of, nx * ny)
    return x_lo, x_hi, y_lo, y_hi, nx, ny, inv_x, inv_y, start, meas[order]


@njit_inline
def counting_sort(keys: IntArray, n_keys: int) -> tuple[IntArray, IntArray]:
    """The indices of ``keys`` (each in ``[0, n_keys)``) grouped by key, in index order within a
    key, and where each key's group starts (``order[start[c]:start[c + 1]]``): a counting sort, O(n)."""
    n = keys.shape[0]
    start = np.zeros(n_keys + 1, dtype=np.int64)
    for e in range(n):
        start[keys[e] + 1] += 1
    for c in range(n_keys):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for e in range(n):
        c = keys[e]
        order[fill[c]] = e
        fill[c] += 1
    return order, start


@njit_inline
def box_cells(
    x_lo: float,
    x_hi: float,
    y_lo: float,
    y_hi: float,
    nx: int,
    ny: int,
    inv_x: float,
    inv_y: float,
    px: float,
    py: float,
    hx: float,
    hy: float,
) -> tuple[int, int, int, int]:
    """The cells ``ix0..ix1`` by ``iy0..iy1`` of a :func:`measurement_grid` (bounding box ``x_lo``
    to ``y_hi``) under the box of half sides ``hx``, ``hy`` about ``(px, py)`` (the half sides may be
    infinite); no cell (``ix1 < ix0``) for a box that misses the measurements' bounding box or is
    NaN."""
    if not (px + hx >= x_lo and px - hx <= x_hi and py + hy >= y_lo and py - hy <= y_hi):
        return 0, -1, 0, -1
    if not (hx < math.inf and hy < math.inf):  # every cell (inf times a zero inverse side is NaN)
        return 0, nx - 1, 0, ny - 1
    # clamp in floating point first: a huge box must not overflow the integer conversion
    ix0 = int(max((px - hx - x_lo) * inv_x, 0.0))
    ix1 = int(min((px + hx - x_lo) * inv_x, nx - 1.0))
    iy0 = int(max((py - hy - y_lo) * inv_y, 0.0))
    iy1 = int(min((py + hy - y_lo) * inv_y, ny - 1.0))
    return ix0, ix1, iy0, iy1


@njit
def gate_subset(
    pos: FloatArray,
    pos_cov: FloatArray,
    z: FloatArray,
    r_cov: FloatArray,
    gate: float,
    tracks: IntArray,
    meas: IntArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Gated pairs between the tracks ``tracks`` and the measurements ``meas`` (indices into the arrays).

    Parameters
    ----------
    pos, pos_cov : (n, >=m) and (n, >=m, >=m) arrays
        Predicted states and covariances of the tracks; only the first ``m`` components (the
        position, ``H = [I 0]``) are read, so whole states can be passed.
    z : (k, m) array
        Measurements.
    r_cov : (k, m, m) or (1, m, m) array
        Measurement covariances, one per measurement or shared.
    gate : float
        Gate on the Mahalanobis distance.
    tracks, meas : int64 arrays
        The tracks and measurements taking part.

    Returns
    -------
    pair_track, pair_meas : int64 arrays
        Indices (into ``pos`` and ``z``) of the pairs with distance below ``gate``, by track.
    pair_dist : float array
        Their Mahalanobis distances.
    """
    m = z.shape[1]
    # 3-D positions (the battery tracker's) get loops of fixed length, which the compiler unrolls
    if m == 3:
        return _gate(pos, pos_cov, z, r_cov, gate, tracks, meas, 3)
    return _gate(pos, pos_cov, z, r_cov, gate, tracks, meas, m)


@njit_inline
def _gate(
    pos: FloatArray,
    pos_cov: FloatArray,
    z: FloatArray,
    r_cov: FloatArray,
    gate: float,
    tracks: IntArray,
    meas: IntArray,
    m: int,
) -> tuple[IntArray, IntArray, FloatArray]:
    """:func:`gate_subset` for measurements of dimension ``m``."""
    nt = tracks.shape[0]
    nm = meas.shape[0]
    cap = 4 * (nt + nm) + 16
    out_t = np.empty(cap, dtype=np.int64)
    out_m = np.empty(cap, dtype=np.int64)
    out_d = np.empty(cap)
    if nt == 0 or nm == 0:
        return out_t[:0], out_m[:0], out_d[:0]
    shared = r_cov.shape[0] == 1
    gx = 1 if m > 1 else 0  # the grid's second axis (a 1-D problem uses one axis twice)
    rmax0 = 0.0
    rmax1 = 0.0
    for a in range(nm):
        rj = 0 if shared else meas[a]
        rmax0 = max(rmax0, r_cov[rj, 0, 0])
        rmax1 = max(rmax1, r_cov[rj, gx, gx])
    x_lo, x_hi, y_lo, y_hi, nx, ny, inv_x, inv_y, start, bucket = measurement_grid(z, meas, gx)

    chol = np.empty((m, m))
    y = np.empty(m)
    gate_sq = gate * gate
    count = 0
    for b in range(nt):
        i = tracks[b]
        px = pos[i, 0]
        py = pos[i, gx]
        hx = gate * math.sqrt(pos_cov[i, 0, 0] + rmax0)
        hy = gate * math.sqrt(pos_cov[i, gx, gx] + rmax1)
        ix0, ix1, iy0, iy1 = box_cells(x_lo, x_hi, y_lo, y_hi, nx, ny, inv_x, inv_y, px, py, hx, hy)
        for ix in range(ix0, ix1 + 1):
            for iy in range(iy0, iy1 + 1):
                c = ix * ny + iy
                for e in range(start[c], start[c + 1]):
                    j = bucket[e]
                    if abs(z[j, 0] - px) >= hx or abs(z[j, gx] - py) >= hy:
                        continue
                    rj = 0 if shared else j
                    # d^2 = |L^-1 nu|^2 with S = P + R = L L^T, written out to stay in this loop
                    d2 = 0.0
                    for u in range(m):
                        for v in range(u + 1):
                            acc = pos_cov[i, u, v] + r_cov[rj, u, v]
                            for e in range(v):
                                acc -= chol[u, e] * chol[v, e]
                            if u == v:
                                chol[u, u] = math.sqrt(acc) if acc > 0.0 else math.nan
                            else:
                                chol[u, v] = acc / chol[v, v]
                        acc = z[j, u] - pos[i, u]
                        for e in range(u):
                            acc -= chol[u, e] * y[e]
                        y[u] = acc / chol[u, u]
                        d2 += y[u] * y[u]
                    if d2 < gate_sq:
                        if count == cap:
                            cap *= 2
                            out_t = _grow_int(out_t, cap)
                            out_m = _grow_int(out_m, cap)
                            out_d = _grow_float(out_d, cap)
                        out_t[count] = i
                        out_m[count] = j
                        out_d[count] = math.sqrt(d2)
                        count += 1
    return out_t[:count], out_m[:count], out_d[:count]


def gate_pairs(
    pos: FloatArray,
    pos_cov: FloatArray,
    z: FloatArray,
    r_cov: FloatArray,
    gate: float = 3.0,
) -> tuple[IntArray, IntArray, FloatArray]:
    """All (track, measurement) pairs whose Mahalanobis distance is below ``gate``.

    Parameters
    ----------
    pos, pos_cov : (n, m) and (n, m, m) arrays
        Predicted positions of the tracks and their covariances ``H P H^T``.
    z : (k, m) array
        Measurements.
    r_cov : (k, m, m) or (m, m) array
        Measurement covariances, per measurement or shared.
    gate : float
        Gate on the distance (default 3).

    Returns
    -------
    pair_track, pair_meas, pair_dist : arrays
        Track indices, measurement indices and distances of the gated pairs, ordered by track.
    """
    r3 = np.ascontiguousarray(r_cov, dtype=np.float64)
    if r3.ndim == 2:
        r3 = r3[None]
    return gate_subset(
        np.ascontiguousarray(pos, dtype=np.float64),
        np.ascontiguousarray(pos_cov, dtype=np.float64),
        np.ascontiguousarray(z, dtype=np.float64),
        r3,
        float(gate),
        np.arange(len(pos), dtype=np.int64),
        np.arange(len(z), dtype=np.int64),
    )
