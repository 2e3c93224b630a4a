"""Multi-target tracker: batched NCV / IMM filtering, gated GNN association, M-of-N track management.

One :class:`Tracker` holds every track as rows of arrays (no object per track or per measurement)
and is fed scans of position measurements with :meth:`Tracker.step`. Each step is:

1. predict every track to the scan time by the actual interval (NCV Kalman or IMM,
   :mod:`samsim.tracking.kalman`, :mod:`samsim.tracking.imm`);
2. confirmed tracks take measurements first: Mahalanobis gating (:mod:`samsim.tracking.gating`) and
   exact global nearest neighbour per cluster (:mod:`samsim.tracking.association`), then the Kalman
   update of the paired tracks;
3. tentative tracks take what is left by the same GNN;
4. track management: a tentative track is confirmed once it holds ``confirm_hits`` detections (its
   first included) among its last ``confirm_window`` scans (M-of-N logic, Blackman & Popoli 1999,
   section 3.3; ``confirm_window=None`` counts every scan of its life); any track is deleted after
   ``max_misses`` consecutive scans in which it was expected but not updated; every measurement
   still unused starts a tentative track at its position with zero velocity and covariance
   ``diag(R, sigma_v^2 I)``.

With ``model="ncv"``, ``gate=3``, ``confirm_hits=3``, ``max_misses=3`` and ``sigma_v = 300 m/s``
this is the tracker of the project's peer recipe: Stone Soup's GNN tracker (Kalman NCV predictor
and updater, ``DistanceHypothesiser`` with Mahalanobis measure and ``missed_distance=3``,
``GNNWith2DAssignment``, ``MultiMeasurementInitiator(min_points=3)``,
``UpdateTimeStepsDeleter(3)``).

References
----------
S. S. Blackman and R. Popoli, "Design and Analysis of Modern Tracking Systems", Artech House,
1999, sections 3.3 (track initiation and M-of-N confirmation), 6.5 (GNN).
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.jit import njit
from samsim.tracking import imm
from samsim.tracking.association import MAX_COMPILED_CELLS, gnn
from samsim.tracking.gating import gate_subset

_T = TypeVar("_T", bound=np.generic)
_MAX_WINDOW = 62  # scans of hit history kept in one int64
_HISTORY_MASK = (1 << _MAX_WINDOW) - 1


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one :meth:`Tracker.step` did.

    Attributes
    ----------
    track_of_measurement : (k,) int64 array
        Id of the track each measurement updated or started, -1 if none.
    confirmed : int64 array
        Ids of the tracks confirmed in this step.
    started : int64 array
        Ids of the tracks started in this step (tentative, or confirmed at once if
        ``confirm_hits`` is 1).
    dropped : int64 array
        Ids of the tracks deleted in this step, tentative or confirmed.
    dropped_confirmed : int64 array
        The subset of ``dropped`` that had been confirmed (the firm tracks lost).
    """

    track_of_measurement: IntArray
    confirmed: IntArray
    started: IntArray
    dropped: IntArray
    dropped_confirmed: IntArray


@njit
def _popcount(v: int) -> int:
    count = 0
    while v:
        v &= v - 1
        count += 1
    return count


class TrackRows(NamedTuple):
    """The tracker's per-track arrays (rows in use first, in increasing id order), updated in place."""

    ids: IntArray
    mean: FloatArray  # (cap, r, d) mode-conditioned means
    cov: FloatArray  # (cap, r, d, d) mode-conditioned covariances
    prob: FloatArray  # (cap, r) mode probabilities
    out_mean: FloatArray  # (cap, d) combined means
    out_cov: FloatArray  # (cap, d, d) combined covariances
    confirmed: BoolArray
    hits: IntArray
    misses: IntArray
    history: IntArray  # recent updates, one bit per scan (bit 0: latest)
    last_update_s: FloatArray


class TrackRules(NamedTuple):
    """How tracks are confirmed, deleted and born."""

    confirm_hits: int
    window_mask: int  # 0: count every hit of the track's life
    max_misses: int
    vel_var: float  # variance of each velocity component of a new track
    prob0: FloatArray  # initial mode probabilities


@njit
def _manage(
    n: int,
    next_id: int,
    time_s: float,
    track_meas: IntArray,
    expected: BoolArray,
    z: FloatArray,
    r_cov: FloatArray,
    initiate: bool,
    rules: TrackRules,
    rows: TrackRows,
) -> tuple[int, int, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Counters, confirmation, deletion (compacting the rows in place) and births of one step.

    Returns the new track count, the next free id, track_of_measurement, and the ids confirmed,
    started, dropped and dropped-while-confirmed in this step.
    """
    confirm_hits = rules.confirm_hits
    window_mask = rules.window_mask
    max_misses = rules.max_misses
    vel_var = rules.vel_var
    prob0 = rules.prob0
    ids = rows.ids
    mean = rows.mean
    cov = rows.cov
    prob = rows.prob
    out_mean = rows.out_mean
    out_cov = rows.out_cov
    confirmed = rows.confirmed
    hits = rows.hits
    misses = rows.misses
    history = rows.history
    last_update_s = rows.last_update_s
    k, m = z.shape
    r = mean.shape[1]
    d = mean.shape[2]
    track_of_meas = np.full(k, -1, dtype=np.int64)
    new_conf = np.empty(n + k, dtype=np.int64)
    n_conf = 0
    dropped = np.empty(n, dtype=np.int64)
    n_drop = 0
    dropped_conf = np.empty(n, dtype=np.int64)
    n_drop_conf = 0
    w = 0
    for t in range(n):
        j = track_meas[t]
        if j >= 0:
            hits[t] += 1
            misses[t] = 0
            history[t] = ((history[t] << 1) | 1) & _HISTORY_MASK
            last_update_s[t] = time_s
            track_of_meas[j] = ids[t]
        elif expected[t]:
            misses[t] += 1
            history[t] = (history[t] << 1) & _HISTORY_MASK
        if not confirmed[t]:
            held = hits[t] if window_mask == 0 else _popcount(history[t] & window_mask)
            if held >= confirm_hits:
                confirmed[t] = True
                new_conf[n_conf] = ids[t]
                n_conf += 1
        if misses[t] >= max_misses:
            dropped[n_drop] = ids[t]
            n_drop += 1
            if confirmed[t]:
                dropped_conf[n_drop_conf] = ids[t]
                n_drop_conf += 1
            continue
        if w != t:
            ids[w] = ids[t]
            mean[w] = mean[t]
            cov[w] = cov[t]
            prob[w] = prob[t]
            out_mean[w] = out_mean[t]
            out_cov[w] = out_cov[t]
            confirmed[w] = confirmed[t]
            hits[w] = hits[t]
            misses[w] = misses[t]
            history[w] = history[t]
            last_update_s[w] = last_update_s[t]
        w += 1
    started = np.empty(k, dtype=np.int64)
    n_start = 0
    if initiate:
        shared = r_cov.shape[0] == 1
        for j in range(k):
            if track_of_meas[j] >= 0:
                continue
            rj = 0 if shared else j
            for a in range(d):
                out_mean[w, a] = z[j, a] if a < m else 0.0
                for b in range(d):
                    if a < m and b < m:
                        out_cov[w, a, b] = r_cov[rj, a, b]
                    elif a == b:
                        out_cov[w, a, b] = vel_var
                    else:
                        out_cov[w, a, b] = 0.0
            for mode in range(r):
                mean[w, mode] = out_mean[w]
                cov[w, mode] = out_cov[w]
                prob[w, mode] = prob0[mode]
            ids[w] = next_id
            track_of_meas[j] = next_id
            started[n_start] = next_id
            n_start += 1
            hits[w] = 1
            misses[w] = 0
            history[w] = 1
            last_update_s[w] = time_s
            confirmed[w] = confirm_hits <= 1
            if confirmed[w]:
                new_conf[n_conf] = next_id
                n_conf += 1
            next_id += 1
            w += 1
    return (
        w,
        next_id,
        track_of_meas,
        new_conf[:n_conf],
        started[:n_start],
        dropped[:n_drop],
        dropped_conf[:n_drop_conf],
    )


class Tracker:
    """Multi-target tracker over scans of position measurements, state held as arrays.

    Parameters
    ----------
    ndim : int
        Spatial dimension, 2 (east, north) or 3 (east, north, up). States are
        ``[positions..., velocities...]`` of length ``2 * ndim`` (m, m/s).
    model : {"ncv", "imm"}
        ``"ncv"``: one nearly-constant-velocity Kalman filter per track. ``"imm"``: IMM of the NCV
        model (intensity ``q``) and a manoeuvre model (NCV of intensity ``q_manoeuvre``).
    q : float
        Continuous white-noise acceleration intensity of the NCV model (m^2/s^3).
    gate : float
        Mahalanobis gate; a pair is admissible when its distance is below it, and it is also the cost
        of a missed track in the GNN objective.
    confirm_hits : int
        M of the M-of-N confirmation: detections (the first included) a tentative track must hold.
    confirm_window : int or None
        N of the M-of-N confirmation: the last N scans (those in which the track was expected or
        updated) are counted, at most 62; None counts every scan of the track's life.
    max_misses : int
        A track is deleted after this many consecutive expected-but-missed updates.
    init_velocity_sigma_mps : float
        Standard deviation of each velocity component of a new track (its velocity is zero).
    q_manoeuvre : float or None
        Intensity of the IMM manoeuvre model (m^2/s^3); None means ``100 * q``.
    sojourn_s : tuple of two floats
        Mean sojourn times (s) of the IMM's NCV and manoeuvre modes (see
        :func:`samsim.tracking.imm.transition_matrix`).
    measurement_sigma_m : float or None
        Position noise standard deviation per axis used when :meth:`step` is given no ``R``.
    max_compiled_cells : int
        Association clusters up to this many track x measurement cells are solved by the compiled
        exact solver, larger ones by ``scipy.optimize.linear_sum_assignment``.

    Examples
    --------
    >>> tr = Tracker(ndim=2, q=1.0, measurement_sigma_m=10.0)
    >>> res = tr.step(0.0, np.array([[0.0, 0.0], [5000.0, 0.0]]))
    >>> res.track_of_measurement
    array([0, 1])
    """

    # track arrays, rows [0, _n) in use, in increasing id order
    _ids: IntArray
    _x: FloatArray  # (cap, r, d) mode-conditioned means
    _p: FloatArray  # (cap, r, d, d) mode-conditioned covariances
    _mu: FloatArray  # (cap, r) mode probabilities
    _xc: FloatArray  # (cap, d) combined means
    _pc: FloatArray  # (cap, d, d) combined covariances
    _conf: BoolArray
    _hits: IntArray
    _misses: IntArray
    _hist: IntArray  # bit k set: updated k scans ago (expected or updated scans only)
    _last: FloatArray

    def __init__(
        self,
        ndim: int = 3,
        model: Literal["ncv", "imm"] = "ncv",
        q: float = 1.0,
        gate: float = 3.0,
        confirm_hits: int = 3,
        confirm_window: int | None = None,
        max_misses: int = 3,
        init_velocity_sigma_mps: float = 300.0,
        *,
        q_manoeuvre: float | None = None,
        sojourn_s: tuple[float, float] = (20.0, 10.0),
        measurement_sigma_m: float | None = None,
        max_compiled_cells: int = MAX_COMPILED_CELLS,
    ) -> None:
        if ndim not in (2, 3):
            raise ValueError(f"ndim must be 2 or 3, got {ndim}")
        if model not in ("ncv", "imm"):
            raise ValueError(f"model must be 'ncv' or 'imm', got {model!r}")
        if not q > 0.0 or not gate > 0.0 or not init_velocity_sigma_mps > 0.0:
            raise ValueError("q, gate and init_velocity_sigma_mps must be positive")
        if confirm_hits < 1 or max_misses < 1:
            raise ValueError("confirm_hits and max_misses must be at least 1")
        if confirm_window is not None and not confirm_hits <= confirm_window <= _MAX_WINDOW:
            raise ValueError(f"confirm_window must lie in [confirm_hits, {_MAX_WINDOW}] or be None")
        self.ndim = ndim
        self.model = model
        self.q = float(q)
        self.gate = float(gate)
        self.confirm_hits = int(confirm_hits)
        self.confirm_window = confirm_window
        self.max_misses = int(max_misses)
        self.init_velocity_sigma_mps = float(init_velocity_sigma_mps)
        self.max_compiled_cells = int(max_compiled_cells)
        if model == "imm":
            qm = 100.0 * self.q if q_manoeuvre is None else float(q_manoeuvre)
            if not qm > 0.0 or min(sojourn_s) <= 0.0:
                raise ValueError("q_manoeuvre and sojourn_s must be positive")
            self._q_modes = np.array([self.q, qm])
            self._sojourn = np.array(sojourn_s, dtype=np.float64)
        else:
            self._q_modes = np.array([self.q])
            self._sojourn = np.array([1.0])
        self._prob0 = imm.stationary_probabilities(self._sojourn)
        self._window_mask = 0 if confirm_window is None else (1 << confirm_window) - 1
        self._default_r: FloatArray | None = None
        if measurement_sigma_m is not None:
            self._default_r = (float(measurement_sigma_m) ** 2 * np.eye(ndim))[None]
        self._n = 0
        self._next_id = 0
        self._time_s: float | None = None
        self._trans_dt = np.nan
        self._trans = np.ones((1, 1))
        self._allocate(64)

    # -- storage ---------------------------------------------------------------------------------

    def _allocate(self, capacity: int) -> None:
        """(Re)allocate the track arrays for ``capacity`` tracks, keeping the first ``_n`` rows."""
        r, d, n = len(self._q_modes), 2 * self.ndim, self._n

        def grow(old: NDArray[_T] | None, shape: tuple[int, ...], dtype: type[_T]) -> NDArray[_T]:
            arr = np.zeros((capacity, *shape), dtype=dtype)
            if old is not None:
                arr[:n] = old[:n]
            return arr

        fresh = not hasattr(self, "_ids")
        self._ids = grow(None if fresh else self._ids, (), np.int64)
        self._x = grow(None if fresh else self._x, (r, d), np.float64)
        self._p = grow(None if fresh else self._p, (r, d, d), np.float64)
        self._mu = grow(None if fresh else self._mu, (r,), np.float64)
        self._xc = grow(None if fresh else self._xc, (d,), np.float64)
        self._pc = grow(None if fresh else self._pc, (d, d), np.float64)
        self._conf = grow(None if fresh else self._conf, (), np.bool_)
        self._hits = grow(None if fresh else self._hits, (), np.int64)
        self._misses = grow(None if fresh else self._misses, (), np.int64)
        self._hist = grow(None if fresh else self._hist, (), np.int64)
        self._last = grow(None if fresh else self._last, (), np.float64)

    # -- public state ----------------------------------------------------------------------------

    @property
    def time_s(self) -> float | None:
        """Time of the last step (s), None before the first."""
        return self._time_s

    @property
    def ids(self) -> IntArray:
        """(n,) ids of the current tracks, increasing; a copy."""
        return self._ids[: self._n].copy()

    @property
    def mean(self) -> FloatArray:
        """(n, 2*ndim) state estimates ``[positions..., velocities...]`` at :attr:`time_s`; a copy."""
        return self._xc[: self._n].copy()

    @property
    def cov(self) -> FloatArray:
        """(n, 2*ndim, 2*ndim) state covariances; a copy."""
        return self._pc[: self._n].copy()

    @property
    def is_confirmed(self) -> BoolArray:
        """(n,) True for confirmed (firm) tracks; a copy."""
        return self._conf[: self._n].copy()

    @property
    def last_update_s(self) -> FloatArray:
        """(n,) time (s) of each track's last measurement update; a copy."""
        return self._last[: self._n].copy()

    @property
    def misses(self) -> IntArray:
        """(n,) consecutive expected-but-missed updates of each track; a copy."""
        return self._misses[: self._n].copy()

    @property
    def mode_probabilities(self) -> FloatArray:
        """(n, r) IMM mode probabilities (NCV first); a column of ones for ``model="ncv"``."""
        return self._mu[: self._n].copy()

    def __len__(self) -> int:
        return self._n

    def confirmed_tracks(self) -> tuple[IntArray, FloatArray, FloatArray]:
        """Ids, state means and covariances of the confirmed tracks."""
        sel = np.flatnonzero(self._conf[: self._n])
        return self._ids[sel], self._xc[sel], self._pc[sel]

    # -- one scan --------------------------------------------------------------------------------

    def _measurement_covariance(self, r_cov: ArrayLike | None, k: int) -> FloatArray:
        nd = self.ndim
        if r_cov is None:
            if self._default_r is None:
                raise ValueError("R is required: give R to step() or measurement_sigma_m to Tracker()")
            return self._default_r
        r3 = np.ascontiguousarray(r_cov, dtype=np.float64)
        if r3.shape == (nd, nd):
            r3 = r3[None]
        elif r3.ndim != 3 or r3.shape[1:] != (nd, nd) or r3.shape[0] not in (1, k):
            raise ValueError(f"R must have shape ({nd}, {nd}) or ({k}, {nd}, {nd}), got {r3.shape}")
        return r3

    def _round(self, tracks: IntArray, meas: IntArray, z: FloatArray, r3: FloatArray) -> IntArray:
        """Gate ``tracks`` against ``meas``, solve the GNN, update; returns each track's measurement."""
        pt, pm, pdist = gate_subset(self._xc, self._pc, z, r3, self.gate, tracks, meas)
        track_meas = gnn(self._n, len(z), pt, pm, pdist, self.gate, self.max_compiled_cells)
        if len(pt):
            rows = np.flatnonzero(track_meas >= 0)
            imm.update_inplace(self._x, self._p, self._mu, self._xc, self._pc, rows, z, r3, track_meas[rows])
        return track_meas

    def step(
        self,
        time_s: float,
        z: ArrayLike,
        R: ArrayLike | None = None,  # noqa: N803 (the textbook's name)
        expected: ArrayLike | None = None,
        *,
        initiate: bool = True,
    ) -> StepResult:
        """Process one scan of position measurements taken at ``time_s``.

        Parameters
        ----------
        time_s : float
            Time of the scan (s), not before the previous step's; tracks are predicted by the
            actual interval, so scans may come irregularly and from several sensors.
        z : (k, ndim) array_like
            Position measurements (m); k may be 0.
        R : (k, ndim, ndim) or (ndim, ndim) array_like, optional
            Measurement covariances, per measurement or shared; default ``measurement_sigma_m^2 I``.
        expected : (n,) bool array_like, optional
            Over the tracks that existed before this step, in the order of :attr:`ids`: whether the
            scan could have detected the track. Only expected tracks count a miss when not updated,
            so a sensor whose coverage excludes a track does not wear it down. None: all expected.
        initiate : bool
            Whether measurements left unused start tentative tracks.

        Returns
        -------
        StepResult
            Per-measurement track ids and the ids confirmed, started and dropped in this step.
        """
        nd, n = self.ndim, self._n
        zz = np.ascontiguousarray(z, dtype=np.float64)
        if zz.size == 0:
            zz = zz.reshape(0, nd)
        if zz.ndim != 2 or zz.shape[1] != nd:
            raise ValueError(f"z must have shape (k, {nd}), got {zz.shape}")
        if not np.isfinite(zz).all():
            raise ValueError("z holds non-finite values")
        k = zz.shape[0]
        r3 = self._measurement_covariance(R, k)
        if expected is None:
            exp_mask = np.ones(n, dtype=np.bool_)
        else:
            exp_mask = np.ascontiguousarray(expected, dtype=np.bool_)
            if exp_mask.shape != (n,):
                raise ValueError(f"expected must have shape ({n},), got {exp_mask.shape}")
        t = float(time_s)
        if self._time_s is not None and not t >= self._time_s:
            raise ValueError(f"time_s {t} is before the previous step's {self._time_s}")
        dt = 0.0 if self._time_s is None else t - self._time_s

        if n and dt > 0.0:
            if dt != self._trans_dt:
                self._trans = imm.transition_matrix(dt, self._sojourn)
                self._trans_dt = dt
            imm.predict_inplace(
                self._x[:n],
                self._p[:n],
                self._mu[:n],
                self._trans,
                dt,
                self._q_modes,
                self._xc[:n],
                self._pc[:n],
            )

        track_meas = np.full(n, -1, dtype=np.int64)
        if n and k:
            conf = self._conf[:n]
            first = self._round(np.flatnonzero(conf), np.arange(k, dtype=np.int64), zz, r3)
            free = np.ones(k, dtype=np.bool_)
            free[first[first >= 0]] = False
            second = self._round(np.flatnonzero(~conf), np.flatnonzero(free), zz, r3)
            track_meas = np.maximum(first, second)

        if self._n + k > len(self._ids):
            self._allocate(max(2 * len(self._ids), self._n + k))
        rules = TrackRules(
            self.confirm_hits,
            self._window_mask,
            self.max_misses,
            float(self.init_velocity_sigma_mps**2),
            self._prob0,
        )
        rows = TrackRows(
            self._ids, self._x, self._p, self._mu, self._xc, self._pc, self._conf, self._hits,
            self._misses, self._hist, self._last,
        )  # fmt: skip
        n_new, self._next_id, tom, confirmed, started, dropped, dropped_conf = _manage(
            n, self._next_id, t, track_meas, exp_mask, zz, r3, initiate, rules, rows
        )
        self._n = n_new
        self._time_s = t
        return StepResult(tom, confirmed, started, dropped, dropped_conf)
