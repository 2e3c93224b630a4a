"""Batched interacting multiple model (IMM) filter over nearly-constant-velocity modes.

Every track carries ``r`` mode-conditioned estimates ``mean`` (n, r, d), ``cov`` (n, r, d, d) and mode
probabilities ``prob`` (n, r). The modes here differ only by their acceleration noise intensity
``q`` (a quiet NCV mode and a manoeuvre mode of high ``q``), so all share the state layout of
:mod:`samsim.tracking.models`. One cycle (Blom & Bar-Shalom 1988; Bar-Shalom, Li & Kirubarajan
2001, section 11.6.6):

1. mixing: ``c_j = sum_i p_ij mu_i``, ``mu_i|j = p_ij mu_i / c_j``,
   ``x0_j = sum_i mu_i|j x_i``, ``P0_j = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T)``;
2. mode-matched prediction of ``(x0_j, P0_j)`` with mode j's model;
3. with a measurement: mode-matched updates with likelihoods ``L_j``, ``mu_j = L_j c_j / sum``;
   without one, ``mu_j = c_j``;
4. output combination ``x = sum_j mu_j x_j``, ``P = sum_j mu_j (P_j + (x_j - x)(x_j - x)^T)``.

The predicted combination (step 4 with ``c_j`` and the predicted estimates) is what gating and
association use. Mode switching for an interval ``dt`` keeps mode i with probability
``exp(-dt / tau_i)`` (``tau_i`` its mean sojourn time) and spreads the rest evenly over the other
modes, the usual continuous-time reading of the Markov switching matrix (Bar-Shalom et al. 2001,
section 11.6.7), so irregular revisit intervals are handled.

References
----------
H. A. P. Blom and Y. Bar-Shalom, "The interacting multiple model algorithm for systems with
Markovian switching coefficients", IEEE Trans. Automatic Control 33(8), 1988.
Y. Bar-Shalom, X. R. Li and T. Kirubarajan, "Estimation with Applications to Tracking and
Navigation", Wiley, 2001, sections 11.6-11.7.
"""

from __future__ import annotations

import math

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.jit import njit, njit_inline
from samsim.tracking.kalman import predict_ncv_mode, update_position_inplace


def transition_matrix(dt_s: float, sojourn_s: FloatArray) -> FloatArray:
    """Mode switching matrix ``p_ij`` (row: from mode i, column: to mode j) for an interval ``dt_s``.

    ``p_ii = exp(-dt / tau_i)`` and ``p_ij = (1 - p_ii) / (r - 1)`` for ``j != i`` (Bar-Shalom et al.
    2001, section 11.6.7), ``tau`` the mean sojourn times (s). Rows sum to one.
    """
    tau = np.asarray(sojourn_s, dtype=np.float64)
    r = tau.shape[0]
    if r == 1:
        return np.ones((1, 1))
    stay = np.exp(-dt_s / tau)
    p: FloatArray = np.repeat(((1.0 - stay) / (r - 1))[:, None], r, axis=1)
    np.fill_diagonal(p, stay)
    return p


def stationary_probabilities(sojourn_s: FloatArray) -> FloatArray:
    """Long-run mode probabilities of the switching model above, proportional to ``tau_i``.

    For intervals short against the sojourn times the chain leaves mode i at rate ``1 / tau_i``,
    spread evenly over the others, and the balance equations give ``pi_i ~ tau_i``. Used as the
    mode probabilities of a new track.
    """
    tau = np.asarray(sojourn_s, dtype=np.float64)
    out: FloatArray = tau / tau.sum()
    return out


@njit_inline
def _combine(
    prob: FloatArray,
    t: int,
    mean: FloatArray,
    cov: FloatArray,
    r: int,
    d: int,
    out_mean: FloatArray,
    out_cov: FloatArray,
    dx: FloatArray,
    nc: int,
) -> None:
    """Moment-matched combination (step 4 above) of the mode estimates ``mean[t]`` (r, d),
    ``cov[t]`` (r, d, d) of track ``t`` into ``out_mean[t]``, ``out_cov[t]``; a plain copy when there
    is one mode (``dx`` (r, d): scratch). The whole arrays are indexed, not views of row ``t``,
    which would be made (and reference-counted) once per track. Of the covariance only the leading
    ``nc`` rows and columns are combined (``nc = d``: all of it; ``d / 2``: the position block,
    all that gating reads), each element by the same operations whatever ``nc``; with several modes
    the rest of ``out_cov[t]`` is left as it was."""
    if r == 1:
        for a in range(d):
            out_mean[t, a] = mean[t, 0, a]
            for b in range(d):
                out_cov[t, a, b] = cov[t, 0, a, b]
        return
    if r == 2:
        # The loops below for two modes, with the weights and the spreads of row ``a`` in local
        # variables: the same float operations in the same order, but not reloaded after every
        # store (the compiler cannot tell that the stores do not change them).
        u0 = prob[t, 0]
        u1 = prob[t, 1]
        for i in range(d):
            m0 = mean[t, 0, i]
            m1 = mean[t, 1, i]
            x = (0.0 + u0 * m0) + u1 * m1
            out_mean[t, i] = x
            dx[0, i] = m0 - x
            dx[1, i] = m1 - x
        for a in range(nc):
            e0 = dx[0, a]
            e1 = dx[1, a]
            for b in range(a + 1):
                acc = (0.0 + u0 * (cov[t, 0, a, b] + e0 * dx[0, b])) + u1 * (cov[t, 1, a, b] + e1 * dx[1, b])
                out_cov[t, a, b] = acc
                out_cov[t, b, a] = acc
        return
    for i in range(d):
        acc = 0.0
        for j in range(r):
            acc += prob[t, j] * mean[t, j, i]
        out_mean[t, i] = acc
    # the spreads x_j - x, each computed once instead of once per covariance element that uses it
    for j in range(r):
        for a in range(d):
            dx[j, a] = mean[t, j, a] - out_mean[t, a]
    for a in range(nc):
        for b in range(a + 1):
            acc = 0.0
            for j in range(r):
                acc += prob[t, j] * (cov[t, j, a, b] + dx[j, a] * dx[j, b])
            out_cov[t, a, b] = acc
            out_cov[t, b, a] = acc


@njit
def combine_row(
    prob: FloatArray,
    t: int,
    mean: FloatArray,
    cov: FloatArray,
    r: int,
    d: int,
    out_mean: FloatArray,
    out_cov: FloatArray,
    dx: FloatArray,
) -> None:
    """The whole combined estimate (step 4) of track ``t`` (:func:`_output` of one row; ``dx``
    (r, d): scratch). For a track whose prediction combined only the position block
    (``full_rows``) and that is read whole before its next update (confirmed without one): its
    modes are as the prediction left them, so these are the floats a whole combination would have
    given then."""
    if r == 2 and d == 6:
        _combine(prob, t, mean, cov, 2, 6, out_mean, out_cov, dx, 6)
    else:
        _combine(prob, t, mean, cov, r, d, out_mean, out_cov, dx, d)


@njit_inline
def _mixing_weights(
    prob: FloatArray, trans: FloatArray, t: int, r: int, c: FloatArray, w: FloatArray
) -> None:
    """Predicted mode probabilities ``c_j`` of track ``t`` into ``c`` (r,) and the mixing weights
    ``mu_i|j`` into ``w[i, j]`` (step 1 above); a mode nothing moves into keeps its own estimate."""
    for j in range(r):
        cj = 0.0
        for i in range(r):
            cj += trans[i, j] * prob[t, i]
        c[j] = cj
        if cj > 0.0:
            for i in range(r):
                w[i, j] = trans[i, j] * prob[t, i] / cj
        else:
            for i in range(r):
                w[i, j] = 1.0 if i == j else 0.0


@njit_inline
def _mix(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    t: int,
    r: int,
    d: int,
    x0: FloatArray,
    p0: FloatArray,
    c: FloatArray,
    w: FloatArray,
    dx: FloatArray,
) -> None:
    """IMM mixing (step 1) of track ``t``: its mode-matched initial conditions into ``x0`` (d, r) and
    the lower triangle of the symmetric ``p0`` (d, d, r) (mode last; the upper triangle is not
    written), its predicted mode probabilities into ``prob[t]`` (``c`` (r,),
    ``w`` (r, r), ``dx`` (r, d, r): scratch, ``dx[i, :, j] = x_i - x0_j``)."""
    _mixing_weights(prob, trans, t, r, c, w)
    if r == 2:
        # The same float operations in the same order, written with both modes' values of an
        # element side by side in local variables: the elements of mode 0 and of mode 1 are then
        # computed from loads that precede their stores, and the compiler pairs them into two-lane
        # vector operations (the battery tracker's mixing is the largest part of its step).
        w00 = w[0, 0]
        w01 = w[0, 1]
        w10 = w[1, 0]
        w11 = w[1, 1]
        for a in range(d):
            m0 = mean[t, 0, a]
            m1 = mean[t, 1, a]
            x0[a, 0] = (0.0 + w00 * m0) + w10 * m1
            x0[a, 1] = (0.0 + w01 * m0) + w11 * m1
        for i in range(2):
            for a in range(d):
                mi = mean[t, i, a]
                e0 = mi - x0[a, 0]
                e1 = mi - x0[a, 1]
                dx[i, a, 0] = e0
                dx[i, a, 1] = e1
        for a in range(d):
            for b in range(a + 1):
                c0 = cov[t, 0, a, b]
                c1 = cov[t, 1, a, b]
                acc0 = (0.0 + w00 * (c0 + dx[0, a, 0] * dx[0, b, 0])) + w10 * (c1 + dx[1, a, 0] * dx[1, b, 0])
                acc1 = (0.0 + w01 * (c0 + dx[0, a, 1] * dx[0, b, 1])) + w11 * (c1 + dx[1, a, 1] * dx[1, b, 1])
                p0[a, b, 0] = acc0
                p0[a, b, 1] = acc1
        for j in range(r):
            prob[t, j] = c[j]
        return
    for a in range(d):
        for j in range(r):
            acc = 0.0
            for i in range(r):
                acc += w[i, j] * mean[t, i, a]
            x0[a, j] = acc
    for i in range(r):
        for a in range(d):
            for j in range(r):
                dx[i, a, j] = mean[t, i, a] - x0[a, j]
    for a in range(d):
        for b in range(a + 1):
            for j in range(r):
                acc = 0.0
                for i in range(r):
                    acc += w[i, j] * (cov[t, i, a, b] + dx[i, a, j] * dx[i, b, j])
                p0[a, b, j] = acc
    for j in range(r):
        prob[t, j] = c[j]


@njit
def _output(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    rows: IntArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
) -> None:
    """Combined estimate (step 4) of the tracks ``rows``; a plain copy when there is one mode."""
    r = mean.shape[1]
    d = mean.shape[2]
    dx = np.empty((r, d))
    if r == 2 and d == 6:  # the battery tracker: loops of fixed length
        for a in range(rows.shape[0]):
            _combine(prob, rows[a], mean, cov, 2, 6, out_mean, out_cov, dx, 6)
        return
    for a in range(rows.shape[0]):
        t = rows[a]
        _combine(prob, t, mean, cov, r, d, out_mean, out_cov, dx, d)


@njit_inline
def _predict_mode_into(
    x0: FloatArray,
    p0: FloatArray,
    k: int,
    dt_s: float,
    q_m2ps3: float,
    m: int,
    mean: FloatArray,
    cov: FloatArray,
    t: int,
) -> None:
    """NCV prediction of the mixed estimate of mode ``k`` (``x0`` (2m, r), ``p0`` (2m, 2m, r), mode
    last) straight into ``mean[t, k]``, ``cov[t, k]``, CWNA intensity ``q_m2ps3``: the float
    operations of :func:`~samsim.tracking.kalman.predict_ncv_mode` in the same order (with
    ``P = [[A, B], [B^T, C]]``: ``A + (dt (B + B^T) + dt^2 C)``, ``B + dt C``, then the CWNA ``Q``),
    without its in-place update of a scratch copy, as each element is read from the scratch only.

    Only the lower triangle of the symmetric ``p0`` is read (what :func:`_mix` writes): an element
    above the diagonal is read at its mirror. Element ``(b, a)`` of the prediction is computed from
    the same operands as ``(a, b)``, in the same order up to the swap of the two terms of one sum,
    which floating-point addition does not see: each element is computed once, on and below the
    diagonal, and mirrored (21 of 36 for a 3-D state)."""
    dt2 = dt_s * dt_s
    q_pp = q_m2ps3 * dt2 * dt_s / 3.0
    q_pv = q_m2ps3 * dt2 / 2.0
    q_vv = q_m2ps3 * dt_s
    for i in range(m):
        mean[t, k, i] = x0[i, k] + dt_s * x0[m + i, k]
    for i in range(m):
        mean[t, k, m + i] = x0[m + i, k]
    for i in range(m):
        for j in range(i + 1):
            # p0[i, m + j] read as p0[m + j, i]
            v = p0[i, j, k] + (dt_s * (p0[m + j, i, k] + p0[m + i, j, k]) + dt2 * p0[m + i, m + j, k])
            if i == j:
                v += q_pp
            cov[t, k, i, j] = v
            cov[t, k, j, i] = v
    for i in range(m):
        for j in range(m):
            # B' = B + dt C at (i, m + j); its mirror (m + j, i) is B^T + dt C, the same operands
            c_ij = p0[m + i, m + j, k] if j <= i else p0[m + j, m + i, k]
            v = p0[m + j, i, k] + dt_s * c_ij
            if i == j:
                v += q_pv
            cov[t, k, i, m + j] = v
            cov[t, k, m + j, i] = v
    for i in range(m):
        for j in range(i + 1):
            v = p0[m + i, m + j, k]
            if i == j:
                v += q_vv
            cov[t, k, m + i, m + j] = v
            cov[t, k, m + j, m + i] = v


@njit_inline
def _cycle_scratch(
    r: int, d: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Scratch of one track's prediction: ``x0`` (d, r), ``p0`` (d, d, r), ``c`` (r,), ``w`` (r, r),
    ``dx`` (r, d, r) for :func:`_mix` and ``e`` (r, d) for :func:`_combine`."""
    return (
        np.empty((d, r)),
        np.empty((d, d, r)),
        np.empty(r),
        np.empty((r, r)),
        np.empty((r, d, r)),
        np.empty((r, d)),
    )


@njit_inline
def _predict_rows(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    dt_s: float,
    q_m2ps3: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
    r: int,
    d: int,
    full_rows: BoolArray | None,
    defer_others: bool,
) -> None:
    """:func:`predict_inplace` for ``r`` modes of dimension ``d``, one track at a time: mixing into
    scratch arrays, mode-matched prediction from the scratch straight into the track's estimates
    and combination of those (of the covariance only the position block where ``full_rows`` is
    False, or with ``defer_others`` only the combined mean moved there)."""
    x0, p0, c, w, dx, e = _cycle_scratch(r, d)
    for t in range(mean.shape[0]):
        if defer_others and full_rows is not None and not full_rows[t]:
            for a in range(d // 2):
                out_mean[t, a] += dt_s * out_mean[t, d // 2 + a]
        elif r > 1:
            _mix(mean, cov, prob, trans, t, r, d, x0, p0, c, w, dx)
            for k in range(r):
                _predict_mode_into(x0, p0, k, dt_s, q_m2ps3[k], d // 2, mean, cov, t)
            # two calls rather than one of a variable extent: each keeps loops of fixed length
            if full_rows is None or full_rows[t]:
                _combine(prob, t, mean, cov, r, d, out_mean, out_cov, e, d)
            else:
                _combine(prob, t, mean, cov, r, d, out_mean, out_cov, e, d // 2)
        else:
            # one mode: no mixing; predict in place and copy out
            predict_ncv_mode(mean[t], cov[t], 0, dt_s, q_m2ps3[0], d // 2)
            for a in range(d):
                out_mean[t, a] = mean[t, 0, a]
                for b in range(d):
                    out_cov[t, a, b] = cov[t, 0, a, b]


@njit
def predict_inplace(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    trans: FloatArray,
    dt_s: float,
    q_m2ps3: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
    full_rows: BoolArray | None = None,
    defer_others: bool = False,
) -> None:
    """IMM mixing and mode-matched NCV prediction of a batch, in place, plus the predicted combination.

    Parameters
    ----------
    mean, cov, prob : (n, r, d), (n, r, d, d), (n, r) arrays
        Mode-conditioned estimates and mode probabilities; on return the predicted estimates and
        the predicted mode probabilities ``c_j``.
    trans : (r, r) array
        Switching matrix for this interval (:func:`transition_matrix`).
    dt_s : float
        Prediction interval (s).
    q_m2ps3 : (r,) array
        CWNA intensity of each mode.
    out_mean, out_cov : (n, d), (n, d, d) arrays
        Receive the predicted combined estimate (for gating and association).
    full_rows : (n,) bool array, optional
        With several modes, the tracks whose whole combined covariance is wanted; of the others only
        its position block (the leading ``d / 2`` rows and columns, all that gating reads) is
        combined, the rest of their ``out_cov`` left as it was (the same floats where combined).
        None: every track's whole covariance.
    defer_others : bool
        With ``full_rows``: the other tracks are not predicted at all; only their combined mean
        moves, ``dt_s`` at constant velocity (their predicted combination's mean, see "deferred
        prediction" below), their mode estimates, probabilities and combined covariance left as they
        were for :func:`predict_rows_over` and :func:`predicted_position_cov`.
    """
    r = mean.shape[1]
    d = mean.shape[2]
    # The tracker of a battery (two modes, 3-D states) gets loops of fixed length, which the compiler
    # unrolls; it is the cost of every step of a command post's picture.
    if r == 2 and d == 6:
        _predict_rows(mean, cov, prob, trans, dt_s, q_m2ps3, out_mean, out_cov, 2, 6, full_rows, defer_others)
    else:
        _predict_rows(mean, cov, prob, trans, dt_s, q_m2ps3, out_mean, out_cov, r, d, full_rows, defer_others)


@njit
def update_inplace(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
    rows: IntArray,
    z: FloatArray,
    r_cov: FloatArray,
    meas: IntArray,
) -> None:
    """Mode-matched position updates and mode-probability update of the tracks ``rows``, in place.

    Track ``rows[a]`` is updated with measurement ``z[meas[a]]`` of covariance ``r_cov[meas[a]]``
    (or ``r_cov[0]`` when ``r_cov`` has one matrix), its mode probabilities become
    ``mu_j = L_j c_j / sum_i L_i c_i`` and its combined estimate ``out_mean``, ``out_cov`` is
    recomputed. Tracks not listed keep their predicted values (``mu_j = c_j``).
    """
    r = mean.shape[1]
    ll = update_position_inplace(mean, cov, rows, z, meas, r_cov, r > 1)
    if r > 1:
        for a in range(rows.shape[0]):
            t = rows[a]
            best = -math.inf
            for k in range(r):
                best = max(best, ll[a, k])
            if best == -math.inf:
                continue
            total = 0.0
            for k in range(r):
                prob[t, k] *= math.exp(ll[a, k] - best)
                total += prob[t, k]
            if total > 0.0:
                for k in range(r):
                    prob[t, k] /= total
    _output(mean, cov, prob, rows, out_mean, out_cov)


# -- deferred prediction ---------------------------------------------------------------------------
# All modes share the NCV transition F and differ only in their CWNA intensity q_j, so one
# prediction's combined estimate needs none of the mode estimates: mixing preserves the mixture's
# moments (sum_j c_j x0_j = x and sum_j c_j (P0_j + (x0_j - x)(x0_j - x)^T) = P, since
# sum_j p_ij = 1 and sum_i mu_i|j (x_i - x0_j) = 0), so the predicted combination is
# F x and F P F^T + (sum_j c_j q_j) Q(dt), Q(dt) the CWNA noise of unit intensity. A track that no
# measurement updates can then be left as it is between updates: its combined mean extrapolated at
# constant velocity and its gating covariance taken from these closed forms stand for the whole
# cycle, which runs once, over the whole interval, when a measurement arrives (the IMM cycle as
# defined, from one measurement to the next: Bar-Shalom et al. 2001, section 11.6.6).


@njit_inline
def stays_into(dt_s: float, sojourn_s: FloatArray, stay: FloatArray) -> None:
    """Each mode's probability of being kept over ``dt_s``, ``exp(-dt / tau_i)``, into ``stay``
    (:func:`transition_matrix`'s diagonal)."""
    for i in range(sojourn_s.shape[0]):
        stay[i] = math.exp(-dt_s / sojourn_s[i])


@njit_inline
def transition_into(stay: FloatArray, trans: FloatArray) -> None:
    """:func:`transition_matrix` into ``trans`` (r, r) given ``stay = exp(-dt / tau)``: the same
    operations, ``p_ii = stay_i``, ``p_ij = (1 - stay_i) / (r - 1)``; one mode is always kept."""
    r = stay.shape[0]
    if r == 1:
        trans[0, 0] = 1.0
        return
    for i in range(r):
        for j in range(r):
            trans[i, j] = stay[i] if i == j else (1.0 - stay[i]) / (r - 1)


@njit
def predict_rows_over(
    mean: FloatArray,
    cov: FloatArray,
    prob: FloatArray,
    rows: IntArray,
    dt_s: FloatArray,
    sojourn_s: FloatArray,
    q_m2ps3: FloatArray,
    out_mean: FloatArray,
    out_cov: FloatArray,
) -> None:
    """Mixing, mode-matched prediction and the whole combination of the tracks ``rows``, row
    ``rows[a]`` over its own interval ``dt_s[a]`` (s; none for an interval of 0), with the switching
    matrix of :func:`transition_matrix` for that interval (mean sojourn times ``sojourn_s``)."""
    r = mean.shape[1]
    d = mean.shape[2]
    m = d // 2
    stay = np.empty(r)
    trans = np.empty((r, r))
    x0, p0, c, w, dx, e = _cycle_scratch(r, d)
    for a in range(rows.shape[0]):
        t, dt = rows[a], dt_s[a]
        if not dt > 0.0:
            continue
        if r > 1:
            stays_into(dt, sojourn_s, stay)
            transition_into(stay, trans)
            _mix(mean, cov, prob, trans, t, r, d, x0, p0, c, w, dx)
            for k in range(r):
                _predict_mode_into(x0, p0, k, dt, q_m2ps3[k], m, mean, cov, t)
        else:
            predict_ncv_mode(mean[t], cov[t], 0, dt, q_m2ps3[0], m)
        _combine(prob, t, mean, cov, r, d, out_mean, out_cov, e, d)


@njit
def predicted_position_cov(
    out_cov: FloatArray,
    prob: FloatArray,
    rows: IntArray,
    dt_s: FloatArray,
    sojourn_s: FloatArray,
    q_m2ps3: FloatArray,
    into: FloatArray,
) -> None:
    """Position block of the predicted combined covariance of the tracks ``rows`` (combined
    covariance ``out_cov``, mode probabilities ``prob``), row ``rows[a]`` ``dt_s[a]`` ahead, into
    ``into[rows[a]]`` (m, m): ``P_pp + dt (P_pv + P_vp) + dt^2 P_vv + (sum_j c_j q_j) dt^3 / 3 I``,
    what :func:`predict_rows_over` then a combination give (see above) but for rounding."""
    r = prob.shape[1]
    m = into.shape[1]
    stay = np.empty(r)
    trans = np.empty((r, r))
    for a in range(rows.shape[0]):
        t, dt = rows[a], dt_s[a]
        stays_into(dt, sojourn_s, stay)
        transition_into(stay, trans)
        q_mix = 0.0
        for j in range(r):
            cj = 0.0
            for i in range(r):
                cj += trans[i, j] * prob[t, i]
            q_mix += cj * q_m2ps3[j]
        dt2 = dt * dt
        q_pp = q_mix * dt2 * dt / 3.0
        for i in range(m):
            for j in range(m):
                v = out_cov[t, i, j] + (
                    dt * (out_cov[t, i, m + j] + out_cov[t, m + i, j]) + dt2 * out_cov[t, m + i, m + j]
                )
                into[t, i, j] = v + q_pp if i == j else v


@njit
def position_spread_bound_m2(out_cov: FloatArray, t: int, dt_s: float, q_max_m2ps3: float, m: int) -> float:
    """An upper bound of the trace of the predicted position covariance of track ``t`` ``dt_s``
    ahead (:func:`predicted_position_cov`) with no exponential: the mode-weighted intensity
    ``sum_j c_j q_j`` is at most the largest ``q_max_m2ps3``."""
    tr_pp = 0.0
    tr_pv = 0.0
    tr_vv = 0.0
    for i in range(m):
        tr_pp += out_cov[t, i, i]
        tr_pv += out_cov[t, i, m + i]
        tr_vv += out_cov[t, m + i, m + i]
    return tr_pp + dt_s * (2.0 * tr_pv + dt_s * tr_vv) + q_max_m2ps3 * m * dt_s * dt_s * dt_s / 3.0
