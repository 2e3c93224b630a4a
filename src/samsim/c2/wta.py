"""Static target-based weapon-target assignment (WTA) with fire-unit limits.

Problem
    Minimise the expected surviving value ``sum_j v_j * prod_i (1 - p_ij)**x_ij`` over integer shot
    counts ``x_ij >= 0`` with ``sum_j x_ij <= stock_i`` for every weapon type ``i`` (Manne, "A
    target-assignment problem", Operations Research 6(3), 1958; Ahuja, Kumar, Jha & Orlin, "Exact and
    heuristic algorithms for the weapon-target assignment problem", Operations Research 55(6), 2007).
    The engine adds side constraints, which every solver here honours:

    * ``max_per_target[j]``: at most this many shots at target ``j`` in this cycle (salvo size);
    * fire units: weapon type ``i`` belongs to fire unit ``group[i]``; fire unit ``g`` guides at most
      ``group_shot_cap[g]`` newly launched missiles and engages at most ``group_target_cap[g]``
      distinct targets (the engagement radar's "N missiles at M targets at once");
    * ``pk_ij == 0`` means out of envelope: no shot is ever assigned there.

Exact solver (``method="exact"``)
    Outer approximation (Duran & Grossmann, Mathematical Programming 36, 1986) of the convex
    per-target survival ``v_j exp(y_j)``, ``y_j = sum_i x_ij ln(1 - p_ij)``: a mixed-integer linear
    program in ``x``, ``y`` and ``z_j >= v_j e^a (1 + y_j - a)`` (tangents at points ``a``), solved by
    HiGHS (Huangfu & Hall, Mathematical Programming Computation 10, 2018). Tangents under-estimate a
    convex function, so every such MILP is a relaxation and its bound a valid lower bound; tangents
    are added at the MILP's own solution until its objective equals the true value of that solution
    (then it is optimal, to HiGHS's gap tolerance). Fire-unit target limits use binaries ``e_gj``.

Heuristic (``method="heuristic"``)
    Maximum-marginal-return greedy, then an iterated local search whose descent is an exact
    very-large-scale neighbourhood search solved as a linear assignment problem, plus optimal
    re-splits of target pairs (see :mod:`samsim.c2._wta_kernels`; Ahuja et al. 2007, section 6,
    for the neighbourhood idea). Its pseudo-random choices come from a fixed seed, so the same input
    gives the same output, except when ``time_limit_s`` cuts the search short.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from samsim.c2 import _wta_kernels as _k

__all__ = [
    "AUTO_EXACT_MAX_CELLS",
    "check_assignment",
    "expected_surviving_value",
    "solve_wta",
    "wta_lower_bound",
]

AUTO_EXACT_MAX_CELLS = 200
"""``method="auto"`` uses the exact solver when weapon types x targets <= this (measured, see
``benchmarks/wta.py``), the heuristic otherwise."""

_NO_LIMIT = 1 << 40
_SEED = 0x5A5D_1A7A
# Heuristic search effort (tuned on the public instances and random Ahuja / fire-unit instances,
# see benchmarks/wta.py). The iterated local search stops after _PATIENCE_ROUNDS rounds without a
# better assignment (_PATIENCE_ROUNDS_SINGLE when no target holds two units: the assignment
# neighbourhood is then nearly exact and the kicks rarely pay), or after _MAX_ROUNDS rounds.
_MAX_ROUNDS = 400
_PATIENCE_ROUNDS = 60
_PATIENCE_ROUNDS_SINGLE = 5
_CHUNK_ROUNDS = 5  # rounds per compiled call (the time limit is checked between calls)
_FIRST_FREE = 1.0  # first descent: every target gives up a block
_FREE_TARGETS = 64  # later descents: about this many targets give up a block per step
_PAIR_UNITS = 8  # pair re-split enumerates 2**units cases; skip larger pairs
_KICKS = 2  # units kicked per round
_ACCEPT_REL = 0.0  # accept a kicked result only when strictly better
_REL_GAP = 1e-6
_TANGENT_SPACING = 0.25
_TANGENT_SPAN = 4.0
"""The exact solver stops when (best - bound) <= _REL_GAP * best (HiGHS's own tolerances are ~1e-7)."""

Method = Literal["auto", "exact", "heuristic"]


@dataclass(frozen=True)
class _Problem:
    value: NDArray[np.float64]
    pk: NDArray[np.float64]
    q: NDArray[np.float64]
    allowed: NDArray[np.bool_]
    stock: NDArray[np.int64]
    cap_t: NDArray[np.int64]
    grp: NDArray[np.int64]
    gshot_cap: NDArray[np.int64]
    gtgt_cap: NDArray[np.int64]
    constrained: bool

    @property
    def shape(self) -> tuple[int, int]:
        m, n = self.pk.shape
        return int(m), int(n)

    @property
    def kernel(self) -> _k.Problem:
        """The record the compiled kernels take."""
        return _k.Problem(
            self.value, self.q, self.allowed, self.stock, self.cap_t, self.grp, self.gshot_cap, self.gtgt_cap
        )


def _int_vector(name: str, a: ArrayLike, size: int) -> NDArray[np.int64]:
    arr = np.asarray(a)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr.astype(np.float64))):
        raise ValueError(f"{name} must be finite")
    out = arr.astype(np.int64)
    if np.any(out != arr):
        raise ValueError(f"{name} must hold integers")
    if np.any(out < 0):
        raise ValueError(f"{name} must be >= 0")
    return out


def _problem(
    value: ArrayLike,
    pk: ArrayLike,
    stock: ArrayLike,
    max_per_target: ArrayLike | None,
    group: ArrayLike | None,
    group_shot_cap: ArrayLike | None,
    group_target_cap: ArrayLike | None,
) -> _Problem:
    """Validate once, at the edge (scikit-learn style), and build the trusted arrays."""
    v = np.asarray(value, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"value must be 1-D (n,), got shape {v.shape}")
    n = v.shape[0]
    p = np.asarray(pk, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != n:
        raise ValueError(f"pk must have shape (m, {n}), got {p.shape}")
    m = p.shape[0]
    if not (np.all(np.isfinite(v)) and np.all(v >= 0.0)):
        raise ValueError("value must be finite and >= 0")
    if not (np.all(np.isfinite(p)) and np.all((p >= 0.0) & (p <= 1.0))):
        raise ValueError("pk must be finite and in [0, 1]")
    st = _int_vector("stock", stock, m)
    constrained = False
    if max_per_target is None:
        cap_t = np.full(n, _NO_LIMIT, np.int64)
    else:
        cap_t = _int_vector("max_per_target", max_per_target, n)
        constrained = True
    if group is None:
        if group_shot_cap is not None or group_target_cap is not None:
            raise ValueError("group_shot_cap / group_target_cap need group")
        grp = np.zeros(m, np.int64)
        ng = 1
    else:
        grp = _int_vector("group", group, m)
        sizes = [np.asarray(c).shape[0] for c in (group_shot_cap, group_target_cap) if c is not None]
        ng = max([int(grp.max()) + 1 if m else 0, *sizes, 1])
        if sizes and any(s_ != ng for s_ in sizes):
            raise ValueError(f"group caps must have one entry per fire unit ({ng}), and group < that")
    if group_shot_cap is None:
        gshot = np.full(ng, _NO_LIMIT, np.int64)
    else:
        gshot = _int_vector("group_shot_cap", group_shot_cap, ng)
        constrained = True
    if group_target_cap is None:
        gtgt = np.full(ng, _NO_LIMIT, np.int64)
    else:
        gtgt = _int_vector("group_target_cap", group_target_cap, ng)
        constrained = True
    allowed = p > 0.0
    q = np.maximum(1.0 - p, _k.Q_FLOOR)
    return _Problem(v, p, q, allowed, st, cap_t, grp, gshot, gtgt, constrained)


def expected_surviving_value(value: ArrayLike, pk: ArrayLike, x: ArrayLike) -> float:
    """Expected surviving value ``sum_j v_j prod_i (1 - p_ij)**x_ij`` of an assignment.

    Parameters
    ----------
    value
        (n,) target values.
    pk
        (m, n) single-shot kill probability of weapon type i against target j.
    x
        (m, n) shots of type i at target j.

    References
    ----------
    Manne A. S., "A target-assignment problem", Operations Research 6(3), 1958.
    """
    v = np.asarray(value, dtype=np.float64)
    q = 1.0 - np.asarray(pk, dtype=np.float64)
    xx = np.asarray(x)
    if q.size == 0:
        return float(v.sum())
    return float(np.sum(v * np.prod(q**xx, axis=0)))


def check_assignment(
    x: ArrayLike,
    pk: ArrayLike,
    stock: ArrayLike,
    *,
    max_per_target: ArrayLike | None = None,
    group: ArrayLike | None = None,
    group_shot_cap: ArrayLike | None = None,
    group_target_cap: ArrayLike | None = None,
) -> list[str]:
    """Every limit an assignment breaks, one message each (empty when feasible).

    Parameters
    ----------
    x
        (m, n) shots of weapon type i at target j.
    pk, stock, max_per_target, group, group_shot_cap, group_target_cap
        As for :func:`solve_wta`.
    """
    pr = _problem(
        np.zeros(np.asarray(pk).shape[1]), pk, stock, max_per_target, group, group_shot_cap, group_target_cap
    )
    xx = np.asarray(x)
    problems: list[str] = []
    if xx.shape != pr.pk.shape:
        return [f"x has shape {xx.shape}, expected {pr.pk.shape}"]
    if np.any(xx != np.round(xx)) or np.any(xx < 0):
        problems.append("x must hold integers >= 0")
    xi = np.rint(xx).astype(np.int64)
    for i, j in zip(*np.nonzero((xi > 0) & ~pr.allowed), strict=True):
        problems.append(f"weapon type {i} shoots at target {j} where pk = 0")
    used = xi.sum(axis=1)
    for i in np.nonzero(used > pr.stock)[0]:
        problems.append(f"weapon type {i}: {used[i]} shots > stock {pr.stock[i]}")
    per_t = xi.sum(axis=0)
    for j in np.nonzero(per_t > pr.cap_t)[0]:
        problems.append(f"target {j}: {per_t[j]} shots > max_per_target {pr.cap_t[j]}")
    per_group = np.zeros((pr.gshot_cap.shape[0], xi.shape[1]), np.int64)
    np.add.at(per_group, pr.grp, xi)
    shots = per_group.sum(axis=1)
    engaged = np.count_nonzero(per_group, axis=1)
    for g in np.nonzero(shots > pr.gshot_cap)[0]:
        problems.append(f"fire unit {g}: {shots[g]} missiles > group_shot_cap {pr.gshot_cap[g]}")
    for g in np.nonzero(engaged > pr.gtgt_cap)[0]:
        problems.append(f"fire unit {g}: {engaged[g]} targets > group_target_cap {pr.gtgt_cap[g]}")
    return problems


def _objective(pr: _Problem, x: NDArray[np.int64]) -> float:
    return expected_surviving_value(pr.value, pr.pk, x)


# ---------------------------------------------------------------------------------------------
# heuristic


def _heuristic(pr: _Problem, time_limit_s: float | None) -> NDArray[np.int64]:
    t0 = time.perf_counter()
    m, n = pr.shape
    pb = pr.kernel
    x = _k.greedy(pb)
    state = np.array([_SEED], dtype=np.uint64)
    sp = _search_params(pr)
    f_cur = _k.descend(pb, sp, x, np.ones(n, np.bool_), _FIRST_FREE, state)
    per_target = x.sum(axis=0)
    engaged = max(int(np.count_nonzero(per_target)), 1)
    sp = sp._replace(p_free=min(1.0, _FREE_TARGETS / engaged))
    # with at most one unit per target the assignment neighbourhood is (nearly) exact; the kicks
    # pay off where targets hold teams of units
    patience = _PATIENCE_ROUNDS if per_target.max(initial=0) > 1 else _PATIENCE_ROUNDS_SINGLE
    x_best = x.copy()
    f_best = f_cur
    rounds = 0
    since_best = 0
    while rounds < _MAX_ROUNDS and since_best < patience:
        if time_limit_s is not None and time.perf_counter() - t0 > time_limit_s:
            break
        f_old = f_best
        f_cur, f_best = _k.iterated_search(pb, sp, x, x_best, f_cur, f_best, _CHUNK_ROUNDS, state)
        rounds += _CHUNK_ROUNDS
        since_best = 0 if f_best < f_old else since_best + _CHUNK_ROUNDS
    return x_best


def _search_params(pr: _Problem) -> _k.Search:
    """The local search's settings for this problem (the first descent frees every target)."""
    n = pr.shape[1]
    # fire units that may engage few targets must be able to move all their shots at a target at once
    p_group = 1.0 / 3.0 if bool(np.any(pr.gtgt_cap < n)) else 0.0
    return _k.Search(
        patience=1,
        pair_units=_PAIR_UNITS,
        p_free=_FIRST_FREE,
        p_group=p_group,
        ruin=pr.constrained,
        kicks=_KICKS,
        accept_rel=_ACCEPT_REL,
        need_dummies=pr.constrained or not bool(pr.allowed.all()),
    )


# ---------------------------------------------------------------------------------------------
# exact: outer approximation + HiGHS


def _new_highs() -> Any:
    """A silent HiGHS instance.

    HiGHS prints its licence banner on fd 1 when the first instance is built, which would break
    the CLI's stdout (tables, JSON); fd 1 points at /dev/null for that moment."""
    import highspy

    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        saved = -1
    try:
        if saved >= 0:
            with open(os.devnull, "wb") as devnull:
                os.dup2(devnull.fileno(), 1)
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        if saved >= 0:
            os.dup2(saved, 1)
            os.close(saved)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


@dataclass
class _Milp:
    """The outer-approximation MILP and where its columns live."""

    h: Any
    xi: NDArray[np.int64]  # weapon type of each x column (x columns come first)
    xj: NDArray[np.int64]  # target of each x column
    ycol: NDArray[np.int64]  # column of y_j = sum_i ln(q_ij) x_ij (-1: nothing can shoot at j)
    zcol: NDArray[np.int64]  # column of z_j >= v_j exp(y_j)
    ylo: NDArray[np.float64]  # lowest reachable y_j
    e_group: NDArray[np.int64]  # fire unit and target of each e column (e columns come last)
    e_target: NDArray[np.int64]
    ncol: int
    offset: float  # value of the targets nothing can shoot at


class _Rows:
    """Sparse rows collected before one ``addRows`` call."""

    def __init__(self) -> None:
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.starts: list[int] = []
        self.idx: list[NDArray[np.int64]] = []
        self.val: list[NDArray[np.float64]] = []
        self.nnz = 0

    def add(self, cols: NDArray[np.int64], coefs: NDArray[np.float64], lo: float, hi: float) -> None:
        self.starts.append(self.nnz)
        self.idx.append(cols)
        self.val.append(coefs)
        self.nnz += cols.size
        self.lo.append(lo)
        self.hi.append(hi)

    def push(self, h: Any) -> None:
        if self.starts:
            h.addRows(
                len(self.starts),
                np.array(self.lo),
                np.array(self.hi),
                self.nnz,
                np.array(self.starts, np.int32),
                np.concatenate(self.idx).astype(np.int32),
                np.concatenate(self.val),
            )


def _add_cols(
    h: Any, lower: NDArray[np.float64], upper: NDArray[np.float64], cost: NDArray[np.float64]
) -> None:
    empty_i = np.zeros(0, np.int32)
    h.addCols(lower.size, cost, lower, upper, 0, empty_i, empty_i, np.zeros(0))


def _build_milp(pr: _Problem) -> _Milp:
    """Columns x (integer), y, z, e (binary); rows: y definitions, stock, per-target, fire-unit limits."""
    import highspy

    m, n = pr.shape
    h = _new_highs()
    inf = highspy.kHighsInf
    ub_full = np.minimum(np.minimum(pr.stock[:, None], pr.cap_t[None, :]), pr.gshot_cap[pr.grp][:, None])
    # no shot where pk = 0, nor at a worthless target (it cannot lower the objective)
    ub_full = np.where(pr.allowed & (pr.value[None, :] > 0.0), ub_full, 0)
    xi, xj = np.nonzero(ub_full > 0)
    nx = xi.size
    ub = ub_full[xi, xj].astype(np.float64)
    has = np.zeros(n, bool)
    has[xj] = True
    targets = np.nonzero(has)[0]
    nt = targets.size
    ycol = np.full(n, -1, np.int64)
    zcol = np.full(n, -1, np.int64)
    ycol[targets] = nx + np.arange(nt)
    zcol[targets] = nx + nt + np.arange(nt)
    lnq = np.log(pr.q)
    ylo = np.zeros(n)
    np.add.at(ylo, xj, ub * lnq[xi, xj])
    _add_cols(
        h,
        np.concatenate([np.zeros(nx), ylo[targets], np.zeros(nt)]),
        np.concatenate([ub, np.zeros(nt), np.full(nt, inf)]),
        np.concatenate([np.zeros(nx + nt), np.ones(nt)]),
    )
    h.changeColsIntegrality(nx, np.arange(nx, dtype=np.int32), np.ones(nx, np.uint8))
    ncol = nx + 2 * nt

    rows = _Rows()
    cols = np.arange(nx)
    by_target = [cols[xj == j] for j in range(n)]
    for j in targets:
        sel = by_target[j]
        rows.add(np.append(sel, ycol[j]), np.append(-lnq[xi[sel], j], 1.0), 0.0, 0.0)
        if ub[sel].sum() > pr.cap_t[j]:
            rows.add(sel, np.ones(sel.size), -inf, float(pr.cap_t[j]))
    for i in range(m):
        sel = cols[xi == i]
        if sel.size and ub[sel].sum() > pr.stock[i]:
            rows.add(sel, np.ones(sel.size), -inf, float(pr.stock[i]))
    gx = pr.grp[xi]
    e_group: list[int] = []
    e_target: list[int] = []
    for g in range(pr.gshot_cap.size):
        sel = cols[gx == g]
        if sel.size and ub[sel].sum() > pr.gshot_cap[g]:
            rows.add(sel, np.ones(sel.size), -inf, float(pr.gshot_cap[g]))
        # target limit: e_gj binary, x_ij <= ub_ij e_gj for i in g, sum_j e_gj <= cap; the
        # aggregated sum_i x_ij <= min(cap_j, shot cap) e_gj tightens the relaxation
        tg = np.unique(xj[sel])
        if tg.size <= pr.gtgt_cap[g]:
            continue
        first = ncol + len(e_group)
        ecol = np.full(n, -1, np.int64)
        ecol[tg] = first + np.arange(tg.size)
        for c in sel:
            rows.add(np.array([c, ecol[xj[c]]]), np.array([1.0, -ub[c]]), -inf, 0.0)
        for j in tg:
            cj = sel[xj[sel] == j]
            big = float(min(ub[cj].sum(), pr.cap_t[j], pr.gshot_cap[g]))
            if cj.size > 1 and big < ub[cj].sum():
                rows.add(np.append(cj, ecol[j]), np.append(np.ones(cj.size), -big), -inf, 0.0)
        rows.add(ecol[tg], np.ones(tg.size), -inf, float(pr.gtgt_cap[g]))
        e_group.extend([g] * tg.size)
        e_target.extend(tg.tolist())
    ne = len(e_group)
    if ne:
        _add_cols(h, np.zeros(ne), np.ones(ne), np.zeros(ne))
        h.changeColsIntegrality(ne, np.arange(ncol, ncol + ne, dtype=np.int32), np.ones(ne, np.uint8))
    rows.push(h)
    offset = float(pr.value[~has].sum())
    return _Milp(
        h,
        xi,
        xj,
        ycol,
        zcol,
        ylo,
        np.array(e_group, np.int64),
        np.array(e_target, np.int64),
        ncol + ne,
        offset,
    )


def _add_tangents(pr: _Problem, mp: _Milp, js: NDArray[np.int64], a: NDArray[np.float64]) -> None:
    """Cuts ``z_j - v_j e^a y_j >= v_j e^a (1 - a)``: the tangent of ``v_j exp(y)`` at ``y = a``."""
    import highspy

    k = js.size
    if k == 0:
        return
    w = pr.value[js] * np.exp(a)
    idx = np.empty(2 * k, np.int32)
    idx[0::2] = mp.zcol[js]
    idx[1::2] = mp.ycol[js]
    val = np.empty(2 * k)
    val[0::2] = 1.0
    val[1::2] = -w
    starts = np.arange(0, 2 * k, 2, dtype=np.int32)
    mp.h.addRows(k, w * (1.0 - a), np.full(k, highspy.kHighsInf), 2 * k, starts, idx, val)


def _initial_tangents(pr: _Problem, mp: _Milp, x0: NDArray[np.int64]) -> None:
    """Tangents on a grid of ``y`` from 0 down to ``_TANGENT_SPAN`` below the start's ``y_j``, and
    at the start itself (so that the MILP values it exactly)."""
    targets = np.nonzero(mp.ycol >= 0)[0]
    y0 = np.sum(x0 * np.log(pr.q), axis=0)
    js: list[NDArray[np.int64]] = []
    pts: list[NDArray[np.float64]] = []
    for j in targets:
        lo = max(float(mp.ylo[j]), float(y0[j]) - _TANGENT_SPAN)
        grid = -_TANGENT_SPACING * np.arange(int(math.floor(-lo / _TANGENT_SPACING)) + 1)
        a = np.unique(np.concatenate([grid, [lo, y0[j]]]))
        js.append(np.full(a.size, j, np.int64))
        pts.append(a)
    _add_tangents(pr, mp, np.concatenate(js), np.concatenate(pts))


def _milp_start(pr: _Problem, mp: _Milp, x0: NDArray[np.int64]) -> NDArray[np.float64]:
    """The MILP column vector of assignment ``x0`` (``z`` at its true value, which every tangent
    under-estimates, so the vector is feasible)."""
    col = np.zeros(mp.ncol)
    col[: mp.xi.size] = x0[mp.xi, mp.xj]
    targets = np.nonzero(mp.ycol >= 0)[0]
    y = np.sum(x0 * np.log(pr.q), axis=0)
    col[mp.ycol[targets]] = y[targets]
    col[mp.zcol[targets]] = pr.value[targets] * np.exp(y[targets])
    if mp.e_group.size:
        engaged = np.zeros((pr.gshot_cap.size, pr.shape[1]), bool)
        shoot = col[: mp.xi.size] > 0
        engaged[pr.grp[mp.xi[shoot]], mp.xj[shoot]] = True
        col[mp.ncol - mp.e_group.size :] = engaged[mp.e_group, mp.e_target]
    return col


def _exact(
    pr: _Problem, time_limit_s: float | None, x0: NDArray[np.int64], *, max_iter: int = 500
) -> tuple[NDArray[np.int64], float, bool]:
    """Outer-approximation loop from the feasible start ``x0``.

    Returns the best assignment, the best proven lower bound and whether optimality (to
    ``_REL_GAP``) was proven before the time limit.
    """
    import highspy

    t0 = time.perf_counter()
    m, n = pr.shape
    mp = _build_milp(pr)
    h = mp.h
    x_best = x0.copy()
    ub = _objective(pr, x_best)
    if mp.xi.size == 0:
        return x_best, ub, True
    _initial_tangents(pr, mp, x0)
    h.setOptionValue("mip_rel_gap", _REL_GAP / 4)
    h.setOptionValue("mip_abs_gap", 1e-12)
    # presolve substitutes y_j into every tangent (dense rows): ten times slower here, measured
    h.setOptionValue("presolve", "off")
    lnq = np.log(pr.q)
    targets = np.nonzero(mp.ycol >= 0)[0]
    all_cols = np.arange(mp.ncol, dtype=np.int32)
    lb = -np.inf
    for _ in range(max_iter):
        if time_limit_s is not None:
            left = time_limit_s - (time.perf_counter() - t0)
            if left <= 0:
                break
            h.setOptionValue("time_limit", float(left))
        h.setSolution(mp.ncol, all_cols, _milp_start(pr, mp, x_best))
        h.run()
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        bound = float(h.getInfo().mip_dual_bound) + mp.offset
        if np.isfinite(bound):
            lb = max(lb, bound)
        sol = np.asarray(h.getSolution().col_value)
        if sol.size < mp.ncol:
            break
        x = np.zeros((m, n), np.int64)
        x[mp.xi, mp.xj] = np.rint(sol[: mp.xi.size]).astype(np.int64)
        f = _objective(pr, x)
        if f < ub and not _violations(pr, x):
            ub = f
            x_best = x
        if ub - lb <= _REL_GAP * ub + 1e-12:
            return x_best, lb, True
        if not optimal:
            break
        # tangents where the MILP under-estimates the true value of its own solution
        y = np.sum(x * lnq, axis=0)
        gap = pr.value[targets] * np.exp(y[targets]) - sol[mp.zcol[targets]]
        # gaps summing to less than a quarter of the tolerance cannot hide a better assignment
        need = targets[gap > _REL_GAP * ub / (4.0 * targets.size)]
        if need.size == 0:
            # the MILP values its optimum exactly: that optimum is the problem's optimum
            return x_best, max(lb, ub * (1.0 - _REL_GAP)), True
        _add_tangents(pr, mp, need, y[need])
    return x_best, lb, False


# ---------------------------------------------------------------------------------------------
# public entry points


def solve_wta(
    value: ArrayLike,
    pk: ArrayLike,
    stock: ArrayLike,
    *,
    time_limit_s: float | None = None,
    max_per_target: ArrayLike | None = None,
    group: ArrayLike | None = None,
    group_shot_cap: ArrayLike | None = None,
    group_target_cap: ArrayLike | None = None,
    method: Method = "auto",
) -> NDArray[np.int64]:
    """Shots of each weapon type at each target that minimise the expected surviving value.

    Parameters
    ----------
    value
        (n,) target values, >= 0.
    pk
        (m, n) single-shot kill probability of weapon type i against target j, in [0, 1];
        0 means out of envelope (never assigned).
    stock
        (m,) integer units available of each weapon type.
    time_limit_s
        Optional wall-clock limit. The exact solver then returns its best assignment so far; the
        heuristic stops its improvement phase early (its result then depends on machine speed).
    max_per_target
        Optional (n,) integer cap on the shots at each target.
    group
        Optional (m,) fire unit of each weapon type (integers 0..G-1).
    group_shot_cap
        Optional (G,) missiles each fire unit may newly guide (all its weapons, all targets).
    group_target_cap
        Optional (G,) distinct targets each fire unit may newly engage.
    method
        ``"exact"`` (outer-approximation MILP, HiGHS), ``"heuristic"`` (greedy + assignment-based
        large-neighbourhood iterated local search) or ``"auto"`` (exact when
        ``m * n <= AUTO_EXACT_MAX_CELLS``).

    Returns
    -------
    numpy.ndarray
        (m, n) int64 shots, feasible for every limit.

    References
    ----------
    Ahuja R. K., Kumar A., Jha K. C., Orlin J. B., "Exact and heuristic algorithms for the
    weapon-target assignment problem", Operations Research 55(6), 1136-1146, 2007.
    Andersen A. C., Pavlikov K., Toffolo T. A. M., "Weapon-target assignment problem: exact and
    approximate solution algorithms", Annals of Operations Research 312, 2022.
    """
    pr = _problem(value, pk, stock, max_per_target, group, group_shot_cap, group_target_cap)
    m, n = pr.shape
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"method must be 'auto', 'exact' or 'heuristic', got {method!r}")
    if m == 0 or n == 0:
        return np.zeros((m, n), np.int64)
    exact = method == "exact" or (method == "auto" and m * n <= AUTO_EXACT_MAX_CELLS)
    if exact:
        t0 = time.perf_counter()
        x0 = _heuristic(pr, time_limit_s)
        left = None if time_limit_s is None else max(time_limit_s - (time.perf_counter() - t0), 0.0)
        x, _, _ = _exact(pr, left, x0)
    else:
        x = _heuristic(pr, time_limit_s)
    assert not _violations(pr, x), "WTA solver broke a limit"
    return x


def _violations(pr: _Problem, x: NDArray[np.int64]) -> list[str]:
    return check_assignment(
        x,
        pr.pk,
        pr.stock,
        max_per_target=pr.cap_t,
        group=pr.grp,
        group_shot_cap=pr.gshot_cap,
        group_target_cap=pr.gtgt_cap,
    )


def wta_lower_bound(
    value: ArrayLike,
    pk: ArrayLike,
    stock: ArrayLike,
    *,
    time_limit_s: float = 10.0,
    max_per_target: ArrayLike | None = None,
    group: ArrayLike | None = None,
    group_shot_cap: ArrayLike | None = None,
    group_target_cap: ArrayLike | None = None,
) -> float:
    """A proven lower bound on the smallest expected surviving value (HiGHS's best MILP bound).

    Every outer-approximation MILP is a relaxation, so its dual bound is a valid bound; with enough
    time it equals the optimum. ``(objective - bound) / bound`` bounds the relative gap of any
    assignment. Parameters as for :func:`solve_wta`.
    """
    pr = _problem(value, pk, stock, max_per_target, group, group_shot_cap, group_target_cap)
    m, n = pr.shape
    if m == 0 or n == 0:
        return float(pr.value.sum())
    t0 = time.perf_counter()
    x0 = _heuristic(pr, None)
    _, lb, _ = _exact(pr, max(time_limit_s - (time.perf_counter() - t0), 0.01), x0)
    return max(lb, 0.0)
