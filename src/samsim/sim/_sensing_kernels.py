"""Compiled kernels behind :mod:`samsim.sim.sensing`: the bookkeeping of a radar's scans (which
(scan, threat) pairs to evaluate, the measurements put in scan order), integers and comparisons only,
so the results are NumPy's exactly."""

from __future__ import annotations

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.jit import njit, np_minimum


@njit
def scan_pairs(
    times_s: FloatArray, start_s: FloatArray, end_s: FloatArray, leak_s: FloatArray, killed_s: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (scan, threat) pair with the threat in the air at the scan, ``start <= t < gone``, scan by
    scan and threat by threat (``numpy.nonzero``'s order over a scans x threats mask), and when each
    threat is gone, ``gone = minimum(minimum(end, leak), killed)`` (NumPy's minimum: a NaN wins).
    The threats not in the air at any of the scans are passed over after one test."""
    n_thr = start_s.size
    n_scan = times_s.size
    gone = np.empty(n_thr)
    for j in range(n_thr):
        gone[j] = np_minimum(np_minimum(end_s[j], leak_s[j]), killed_s[j])
    if n_scan == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), gone
    first = times_s[0]
    last = times_s[0]
    for s in range(n_scan):
        first = min(first, times_s[s])
        last = max(last, times_s[s])
    aloft = np.empty(n_thr, dtype=np.int64)
    n_aloft = 0
    for j in range(n_thr):
        if start_s[j] <= last and gone[j] > first:
            aloft[n_aloft] = j
            n_aloft += 1
    scan = np.empty(n_scan * n_aloft, dtype=np.int64)
    thr = np.empty(n_scan * n_aloft, dtype=np.int64)
    k = 0
    for s in range(n_scan):
        t = times_s[s]
        for q in range(n_aloft):
            j = aloft[q]
            if t >= start_s[j] and t < gone[j]:
                scan[k] = s
                thr[k] = j
                k += 1
    return scan[:k].copy(), thr[:k].copy(), gone


@njit
def merge_measurements(
    n_scan: int,
    det_scan: IntArray,
    det_truth: IntArray,
    det_range_m: FloatArray,
    det_az_rad: FloatArray,
    det_el_rad: FloatArray,
    fa_scan: IntArray,
    fa_range_m: FloatArray,
    fa_az_rad: FloatArray,
    fa_el_rad: FloatArray,
    snr_db: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The detections and the false alarms (each in ascending scan order) merged in scan order, a
    scan's detections before its false alarms (a stable sort of the two concatenated), with the
    offsets of each scan's rows: ``(offsets, truth, range, azimuth, elevation, snr)``; a false alarm's
    truth is -1. ``snr_db`` holds the detections' then the false alarms' values."""
    n_det = det_scan.size
    n = n_det + fa_scan.size
    offsets = np.zeros(n_scan + 1, dtype=np.int64)
    truth = np.empty(n, dtype=np.int64)
    rng_m = np.empty(n)
    az = np.empty(n)
    el = np.empty(n)
    snr = np.empty(n)
    i = 0
    f = 0
    for k in range(n):
        if f >= fa_scan.size or (i < n_det and det_scan[i] <= fa_scan[f]):
            offsets[det_scan[i] + 1] += 1
            truth[k] = det_truth[i]
            rng_m[k] = det_range_m[i]
            az[k] = det_az_rad[i]
            el[k] = det_el_rad[i]
            snr[k] = snr_db[i]
            i += 1
        else:
            offsets[fa_scan[f] + 1] += 1
            truth[k] = -1
            rng_m[k] = fa_range_m[f]
            az[k] = fa_az_rad[f]
            el[k] = fa_el_rad[f]
            snr[k] = snr_db[n_det + f]
            f += 1
    for s in range(n_scan):
        offsets[s + 1] += offsets[s]
    return offsets, truth, rng_m, az, el, snr


@njit
def gather_looks(
    look: IntArray,
    range_m: FloatArray,
    elevation_rad: FloatArray,
    alt_m: FloatArray,
    time_s: FloatArray,
    threat: IntArray,
    ecef_m: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray, FloatArray]:
    """The rows ``look`` of a scan's per-pair columns (range, elevation, altitude, time, threat and
    the (n, 3) ECEF positions), each a new contiguous array: what ``x[look]`` gives of each, in one
    pass instead of one call per column."""
    n = look.size
    rng_l = np.empty(n)
    el_l = np.empty(n)
    alt_l = np.empty(n)
    t_l = np.empty(n)
    thr_l = np.empty(n, dtype=np.int64)
    ecef_l = np.empty((n, 3))
    for i in range(n):
        j = look[i]
        rng_l[i] = range_m[j]
        el_l[i] = elevation_rad[j]
        alt_l[i] = alt_m[j]
        t_l[i] = time_s[j]
        thr_l[i] = threat[j]
        for c in range(3):
            ecef_l[i, c] = ecef_m[j, c]
    return rng_l, el_l, alt_l, t_l, thr_l, ecef_l
