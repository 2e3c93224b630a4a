"""The compiled bookkeeping of a radar's scans gives what the NumPy formulation it replaced gives."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.sim import _sensing_kernels as kernels


def _pairs_numpy(
    times: np.ndarray, start: np.ndarray, end: np.ndarray, leak: np.ndarray, killed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gone = np.minimum(np.minimum(end, leak), killed)
    active = (times[:, None] >= start[None, :]) & (times[:, None] < gone[None, :])
    scan, thr = np.nonzero(active)
    return scan, thr, gone


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scan_pairs_matches_the_mask(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_thr = 60
    start = rng.uniform(0.0, 100.0, n_thr)
    end = start + rng.uniform(0.0, 80.0, n_thr)
    leak = np.where(rng.random(n_thr) < 0.3, start + rng.uniform(0.0, 50.0, n_thr), np.inf)
    killed = np.where(rng.random(n_thr) < 0.3, start + rng.uniform(0.0, 60.0, n_thr), np.inf)
    killed[3] = np.nan  # NumPy's minimum: a NaN wins, and the threat is in no pair
    end[5] = start[5]  # gone as it starts: in no pair
    times = np.sort(rng.uniform(20.0, 90.0, 7))
    times[2] = start[7]  # in the air from its start on
    scan, thr, gone = kernels.scan_pairs(times, start, end, leak, killed)
    want_scan, want_thr, want_gone = _pairs_numpy(times, start, end, leak, killed)
    np.testing.assert_array_equal(scan, want_scan)
    np.testing.assert_array_equal(thr, want_thr)
    np.testing.assert_array_equal(gone, want_gone)
    assert 7 in thr[scan == 2].tolist() and 5 not in thr.tolist() and 3 not in thr.tolist()


def test_scan_pairs_without_scans() -> None:
    start = np.array([0.0, 5.0])
    scan, thr, gone = kernels.scan_pairs(np.zeros(0), start, start + 10.0, np.full(2, np.inf), start + 3.0)
    assert scan.size == thr.size == 0
    np.testing.assert_array_equal(gone, start + 3.0)


def test_merge_is_a_stable_sort_by_scan() -> None:
    rng = np.random.default_rng(4)
    n_scan = 6
    det_scan = np.sort(rng.integers(0, n_scan, 15))
    fa_scan = np.repeat(np.arange(n_scan), rng.poisson(1.0, n_scan))
    det = [rng.normal(size=det_scan.size) for _ in range(3)]
    fa = [rng.normal(size=fa_scan.size) for _ in range(3)]
    truth = rng.integers(0, 40, det_scan.size)
    snr = rng.normal(size=det_scan.size + fa_scan.size)
    offsets, got_truth, rng_m, az, el, got_snr = kernels.merge_measurements(
        n_scan, det_scan, truth, *det, fa_scan, *fa, snr
    )
    all_scan = np.concatenate([det_scan, fa_scan])
    order = np.argsort(all_scan, kind="stable")
    np.testing.assert_array_equal(got_truth, np.concatenate([truth, np.full(fa_scan.size, -1)])[order])
    for got, d, f in zip((rng_m, az, el), det, fa, strict=True):
        np.testing.assert_array_equal(got, np.concatenate([d, f])[order])
    np.testing.assert_array_equal(got_snr, snr[order])
    np.testing.assert_array_equal(
        offsets, np.concatenate([[0], np.cumsum(np.bincount(all_scan, minlength=n_scan))])
    )


def test_gather_looks_is_fancy_indexing() -> None:
    rng = np.random.default_rng(5)
    n = 200
    cols = (rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), rng.normal(size=n))
    thr = rng.integers(0, 50, n)
    ecef = rng.normal(size=(n, 3)) * 1e6
    for look in (np.flatnonzero(rng.random(n) < 0.4), np.zeros(0, dtype=np.int64)):
        got = kernels.gather_looks(look, *cols, thr, ecef)
        want = (*(c[look] for c in cols), thr[look], ecef[look])
        for g, w in zip(got, want, strict=True):
            assert g.dtype == w.dtype and g.shape == w.shape and g.flags.c_contiguous
            np.testing.assert_array_equal(g, w)
