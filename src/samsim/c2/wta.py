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
    The loop starts from the heuristic's assignment and only ever replaces it by a strictly better
    one, so where an exhaustive branch and bound over the targets (small problems: a decision
    cycle's few cells) proves that no other feasible assignment comes within a relative 1e-9 of it,
    the start is returned without building the MILP (:func:`samsim.c2._wta_kernels.none_better`).

Heuristic (``method="heuristic"``)
    Maximum-marginal-return greedy, then an iterated local search whose descent is an exact
    very-large-scale neighbourhood search solved as a linear assignment problem, plus optimal
    re-splits of target pairs (see :mod:`samsim.c2._wta_kernels`; Ahuja et al. 2007, section 6,
    for the neighbourhood idea); it stops when it stalls. Its pseudo-random choices come from a
    fixed seed, so the same input gives the same output. This is what the engine calls every
    decision cycle. The iterated search keeps only strictly better assignments; it is skipped when
    the branch and bound above proves the first descent's assignment optimal.

Anytime search (``method="heuristic"`` with ``time_limit_s`` or ``rounds``)
    The team (set-partitioning) formulation: choose one team, a multiset of weapon types, per
    target; a team's cost is its target's expected surviving value, and the coupling rows are the
    stocks and the fire units' limits. Its linear relaxation, solved by column generation (the
    pricing problem, each target's best team under prices, is a pruned depth-first search), gives a
    Lagrangian lower bound, tight on the public instances (within 0.1 %); a dive on the relaxation
    gives a near-optimal assignment; the integer master over every team whose reduced cost is within
    the gap then proves optimality (reduced-cost fixing) or, while the gap holds too many teams,
    searches an exactly solved large neighbourhood of the relaxation. Time left after that goes to
    the iterated local search. The search stops early only when it has proven its assignment optimal
    (or met ``lower_bound``). See :func:`_anytime`.
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
# Anytime search (the team formulation; see _anytime).
_TEAM_WIDTH = 12  # largest team the column search builds (a deeper one leaves the bound unproven)
_NODE_CAP = 200_000  # search nodes per target and pricing (a target that needs more: bound unproven)
_CG_PER_TARGET = 4  # columns each target offers per column-generation round
_CG_MAX_ROUNDS = 1000
_SMOOTHING = 0.7  # first weight of the stability centre in the priced duals
_RC_TOL = 1e-9  # relative reduced cost below which a column enters the master
_DIVE_RESERVE = 0.4  # share of the time left when the column generation starts kept for a dive
_ENUM_COLUMNS = 4_000  # first reduced-cost enumeration buffer (grows fourfold per round)
_TANGENT_SPACING = 0.25
_TANGENT_SPAN = 4.0
"""The exact solver stops when (best - bound) <= _REL_GAP * best (HiGHS's own tolerances are ~1e-7)."""

_PROOF_NODES = 1_024
"""Largest search (candidate shot vectors, then nodes) by which the local search proves its first
descent optimal, and the exact solver its start, before they search on
(:func:`samsim.c2._wta_kernels.none_better`)."""
_PROOF_MARGIN = 1e-9
"""Relative margin under which another assignment counts as possibly better than the start: far
above the rounding of a sum of a few dozen products, so that the proof never rests on it."""

Method = Literal["auto", "exact", "heuristic"]


_Problem = _k.Problem


def _int_vector(name: str, a: ArrayLike, size: int) -> NDArray[np.int64]:
    arr = np.asarray(a)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    if arr.dtype.kind == "i":
        # signed integers (what the engine passes) are finite and whole: only the sign to check
        if size and arr.min() < 0:
            raise ValueError(f"{name} must be >= 0")
        return arr.astype(np.int64)
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
    # one reduction each way: a NaN makes min() NaN, which fails every comparison
    if v.size and not (v.min() >= 0.0 and v.max() < np.inf):
        raise ValueError("value must be finite and >= 0")
    if p.size and not (p.min() >= 0.0 and p.max() <= 1.0):
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
    return _Problem(v, q, allowed, st, cap_t, grp, gshot, gtgt, p, constrained)


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
    # (the solvers ask only whether an assignment keeps the limits: _wta_kernels.within_limits)
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


def _can_shoot(pr: _Problem) -> bool:
    """Whether some cell (i, j) admits a shot that lowers the objective: ``pk_ij > 0``, ``v_j > 0``,
    and weapon type i, target j and i's fire unit each allow at least one shot.

    Without one, the exact solver's MILP has no ``x`` column (it returns its start) and the local
    search (:func:`_heuristic`) returns no shots: greedy adds a shot only for a gain ``v_j p_ij > 0``
    within every limit; a descent from no shots offers only unused units, whose feasible places
    change the objective by ``v_j (q - 1) = 0``, which is not the strict improvement it needs, and
    pair re-splits need units at a target; the kicks need an assigned unit; so every round keeps
    ``x = 0`` (the generator is the call's own, nothing else reads it).
    """
    live_type = (pr.stock > 0) & (pr.gshot_cap[pr.grp] > 0)
    live_target = (pr.value > 0.0) & (pr.cap_t > 0)
    return bool(np.any(pr.allowed & live_type[:, None] & live_target[None, :]))


def _objective(pr: _Problem, x: NDArray[np.int64]) -> float:
    return expected_surviving_value(pr.value, pr.pk, x)


# ---------------------------------------------------------------------------------------------
# heuristic


def _heuristic(pr: _Problem, time_limit_s: float | None) -> NDArray[np.int64]:
    t0 = time.perf_counter()
    m, n = pr.shape
    x = _k.greedy(pr)
    state = np.array([_SEED], dtype=np.uint64)
    sp = _search_params(pr)
    f_cur = _k.descend(pr, sp, x, np.ones(n, np.bool_), _FIRST_FREE, state)
    # The iterated search below keeps only strictly better assignments (by its own floored survival
    # factors): where a small search proves there is none, it would return the descent's.
    limit = float(_k.survival(pr.value, pr.q, x).sum()) * (1.0 + _PROOF_MARGIN)
    if _k.none_better(pr, pr.q, x, limit, _PROOF_NODES) == 1:
        return x
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
        f_cur, f_best = _k.iterated_search(pr, sp, x, x_best, f_cur, f_best, _CHUNK_ROUNDS, state)
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
    x_best = x0.copy()
    ub = _objective(pr, x_best)
    if not _can_shoot(pr):
        return x_best, ub, True  # the MILP would have no x column (decided before building it)
    mp = _build_milp(pr)
    h = mp.h
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
        if f < ub and _k.within_limits(pr, x):
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
# anytime search: the team (set-partitioning) formulation


class _Clock:
    """Wall-clock and round budget of the anytime search (either may be absent)."""

    now = staticmethod(time.perf_counter)

    def __init__(self, time_limit_s: float | None, rounds: int | None) -> None:
        self.deadline = None if time_limit_s is None else self.now() + time_limit_s
        self.rounds_left = rounds

    def left(self) -> float | None:
        """Seconds left (None: no time limit)."""
        return None if self.deadline is None else self.deadline - self.now()

    def expired(self) -> bool:
        """Whether the time is up (a round under way runs on until then)."""
        left = self.left()
        return left is not None and left <= 0.0

    def start_round(self) -> bool:
        """Start a round if the budget allows one."""
        if self.expired() or (self.rounds_left is not None and self.rounds_left <= 0):
            return False
        if self.rounds_left is not None:
            self.rounds_left -= 1
        return True


def _teams_of(x: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Target and weapon types (one entry per unit, -1 pads) of every non-empty team of ``x``."""
    m, n = x.shape
    size = x.sum(axis=0)
    used = np.nonzero(size)[0]
    types = np.full((used.size, max(int(size.max(initial=0)), 1)), -1, np.int64)
    for c, j in enumerate(used):
        t = np.repeat(np.arange(m), x[:, j])
        types[c, : t.size] = t
    return used.astype(np.int64), types


def _unit_prices(pr: _Problem, x: NDArray[np.int64]) -> _k.Prices:
    """Prices read off an assignment: a weapon type's unit costs what removing its least useful
    unit loses (nothing when some unit is unused). The first stability centre of the column
    generation, before any dual is known."""
    s = _k.survival(pr.value, pr.q, x)
    loss = np.where(x > 0, s[None, :] * (1.0 / pr.q - 1.0), np.inf)
    stock_price = loss.min(axis=1, initial=np.inf)
    stock_price[~np.isfinite(stock_price) | (x.sum(axis=1) < pr.stock)] = 0.0
    ng = pr.gshot_cap.size
    return _k.Prices(stock_price, np.zeros(ng), np.zeros(ng))


class _TeamMaster:
    """Set-partitioning master problem over a pool of teams (columns), solved by HiGHS.

    One team per target (convexity rows, ``= 1``), each weapon type's stock, each fire unit's
    guidance and target limits where they can bind (``<=`` rows). A team's cost is its target's
    expected surviving value, so the linear relaxation is the Dantzig-Wolfe reformulation of the
    problem over each target's set of teams (Desrosiers & Lubbecke 2005), far tighter than the
    outer approximation of the exact solver for these problems.
    """

    def __init__(self, pr: _Problem, depth: int) -> None:
        import highspy

        m, n = pr.shape
        ng = pr.gshot_cap.size
        self.pr = pr
        self.depth = depth
        inf = highspy.kHighsInf
        rows = np.full((3, max(m, ng)), -1, np.int64)
        lo: list[float] = [1.0] * n
        hi: list[float] = [1.0] * n
        for i in range(m):
            rows[0, i] = len(lo)
            lo.append(-inf)
            hi.append(float(pr.stock[i]))
        group_stock = np.bincount(pr.grp, weights=pr.stock, minlength=ng)
        for g in range(ng):
            if pr.gshot_cap[g] < group_stock[g]:
                rows[1, g] = len(lo)
                lo.append(-inf)
                hi.append(float(pr.gshot_cap[g]))
            if pr.gtgt_cap[g] < n and group_stock[g] > 0:
                rows[2, g] = len(lo)
                lo.append(-inf)
                hi.append(float(pr.gtgt_cap[g]))
        self.rows = rows
        self.row_lo = np.array(lo)
        self.row_hi = np.array(hi)
        self.target = np.zeros(0, np.int64)
        self.types = np.zeros((0, depth), np.int64)
        self.cost = np.zeros(0)
        self._keys: set[bytes] = set()
        self.y = np.zeros(0)  # the last linear relaxation's solution
        self.h = self._model()
        empty = np.arange(n, dtype=np.int64)
        self.add(empty, np.full((n, depth), -1, np.int64))

    def _model(self) -> Any:
        h = _new_highs()
        k = self.row_lo.size
        none_i = np.zeros(0, np.int32)
        h.addRows(k, self.row_lo, self.row_hi, 0, none_i, none_i, np.zeros(0))
        return h

    def add(self, target: NDArray[np.int64], types: NDArray[np.int64]) -> int:
        """Add the teams not yet in the pool; returns how many were new."""
        width = max(self.depth, types.shape[1])
        if width > self.depth:
            self.types = np.pad(self.types, ((0, 0), (0, width - self.depth)), constant_values=-1)
            self.depth = width
        types = np.pad(types, ((0, 0), (0, width - types.shape[1])), constant_values=-1)
        types = -np.sort(-types, axis=1)  # canonical: types descending, pads last
        keep = []
        for c in range(target.size):
            key = target[c].tobytes() + types[c].tobytes()
            if key not in self._keys:
                self._keys.add(key)
                keep.append(c)
        if not keep:
            return 0
        sel = np.array(keep)
        target, types = target[sel], types[sel]
        q = np.where(types >= 0, self.pr.q[np.maximum(types, 0), target[:, None]], 1.0)
        cost = self.pr.value[target] * q.prod(axis=1)
        self._push(self.h, target, types, cost, integer=False)
        self.target = np.concatenate([self.target, target])
        self.types = np.concatenate([self.types, types])
        self.cost = np.concatenate([self.cost, cost])
        return int(sel.size)

    def _push(
        self,
        h: Any,
        target: NDArray[np.int64],
        types: NDArray[np.int64],
        cost: NDArray[np.float64],
        *,
        integer: bool,
    ) -> None:
        start, index, coef = _k.team_columns(self.pr, types, target, self.rows)
        k = target.size
        first = int(h.getNumCol())
        h.addCols(k, cost, np.zeros(k), np.ones(k), index.size, start[:-1].astype(np.int32), index, coef)
        if integer:
            h.changeColsIntegrality(k, np.arange(first, first + k, dtype=np.int32), np.ones(k, np.uint8))

    def lp(self, time_left: float | None) -> tuple[float, _k.Prices, NDArray[np.float64]] | None:
        """Solve the linear relaxation: its value, the prices (duals) and the convexity duals."""
        import highspy

        h = self.h
        h.setOptionValue("time_limit", float("inf") if time_left is None else max(time_left, 1e-3))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        m, n = self.pr.shape
        ng = self.pr.gshot_cap.size
        sol = h.getSolution()
        self.y = np.asarray(sol.col_value)
        dual = np.asarray(sol.row_dual)

        # a "<=" row's dual is <= 0 in a minimisation; its price is the negated dual
        def price(r: NDArray[np.int64]) -> NDArray[np.float64]:
            return np.where(r >= 0, np.maximum(-dual[np.maximum(r, 0)], 0.0), 0.0)

        prices = _k.Prices(price(self.rows[0, :m]), price(self.rows[1, :ng]), price(self.rows[2, :ng]))
        return float(h.getInfo().objective_function_value), prices, dual[:n].copy()

    def dive(self, x_start: NDArray[np.int64], time_left: float | None) -> NDArray[np.int64]:
        """Fix every target the last relaxation assigns one whole team, solve the integer master
        over the other targets' teams (a "relax-and-fix" / diving heuristic: the relaxation is
        integral for most targets, so the sub-problem is small)."""
        y = np.zeros(self.cost.size)  # columns added since the last solve are at 0
        y[: self.y.size] = self.y
        n = self.pr.shape[1]
        whole = np.zeros(n, bool)
        whole[self.target[y > 1.0 - 1e-6]] = True
        keep = (y > 1.0 - 1e-6) | ~whole[self.target]
        return self.mip(self.target[keep], self.types[keep], x_start, time_left)[0]

    def lagrangian(self, phi: NDArray[np.float64], prices: _k.Prices) -> float:
        """The Lagrangian bound of ``prices`` given each target's best team value ``phi``."""
        pr = self.pr
        ng = pr.gshot_cap.size
        caps = float(prices.stock @ pr.stock.astype(np.float64))
        caps += float(np.where(self.rows[1, :ng] >= 0, prices.shot * pr.gshot_cap, 0.0).sum())
        caps += float(np.where(self.rows[2, :ng] >= 0, prices.engage * pr.gtgt_cap, 0.0).sum())
        # less the rounding error of the sums, so that the bound stays a bound in floating point
        return float(phi.sum()) - caps - 1e-12 * (float(np.abs(phi).sum()) + caps)

    def mip(
        self,
        target: NDArray[np.int64],
        types: NDArray[np.int64],
        x_start: NDArray[np.int64],
        time_left: float | None,
    ) -> tuple[NDArray[np.int64], bool]:
        """Best assignment made of the given teams, the empty ones and ``x_start``'s (HiGHS, from
        ``x_start``), and whether HiGHS proved it optimal over those teams."""
        import highspy

        m, n = self.pr.shape
        t0, y0 = _teams_of(x_start)
        # the empty teams, then x_start's, then the others: the first n + t0.size are all distinct
        target = np.concatenate([np.arange(n, dtype=np.int64), t0, target])
        width = max(self.depth, y0.shape[1], types.shape[1])
        pad = [np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=-1) for a in (y0, types)]
        types = -np.sort(-np.concatenate([np.full((n, width), -1, np.int64), *pad]), axis=1)
        _, first = np.unique(np.column_stack([target, types]), axis=0, return_index=True)
        first.sort()
        target, types = target[first], types[first]
        q = np.where(types >= 0, self.pr.q[np.maximum(types, 0), target[:, None]], 1.0)
        h = self._model()
        self._push(h, target, types, self.pr.value[target] * q.prod(axis=1), integer=True)
        h.setOptionValue("mip_rel_gap", _REL_GAP / 4)
        h.setOptionValue("mip_abs_gap", 1e-12)
        h.setOptionValue("time_limit", float("inf") if time_left is None else max(time_left, 1e-3))
        # the start: x_start's teams, and the empty team of every target it leaves alone
        start = np.zeros(target.size)
        start[n : n + t0.size] = 1.0
        start[np.setdiff1d(np.arange(n), t0)] = 1.0
        h.setSolution(target.size, np.arange(target.size, dtype=np.int32), start)
        h.run()
        sol = np.asarray(h.getSolution().col_value)
        x = x_start
        if sol.size == target.size:
            cand = np.zeros((m, n), np.int64)
            for col in np.nonzero(sol > 0.5)[0]:
                np.add.at(cand[:, target[col]], types[col][types[col] >= 0], 1)
            if _k.within_limits(self.pr, cand) and _objective(self.pr, cand) < _objective(self.pr, x_start):
                x = cand
        return x, h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def _buffer(size: int, width: int) -> _k.Teams:
    z = np.zeros(size)
    return _k.Teams(np.zeros(size, np.int64), np.zeros((size, width), np.int64), z, z.copy())


@dataclass
class _Bound:
    """Best Lagrangian bound found and the prices that give it (``value = -inf``: none proven)."""

    value: float
    prices: _k.Prices


class _ColumnGeneration:
    """Column generation for the master's linear relaxation, with Wentges smoothing; resumable.

    Each round prices at a convex combination of the best-bound prices (the stability centre) and
    the master's duals (Wentges, "Weighted Dantzig-Wolfe decomposition for linear mixed-integer
    programming", International Transactions in Operational Research 4(2), 1997): the duals of a
    master with few columns jump between vertices; smoothing cuts the number of rounds. When the
    smoothed prices find no column the master lacks (a mispricing), the weight of the centre halves.
    Every exact pricing gives a Lagrangian bound (``bound``); ``done`` when no column with a
    negative reduced cost remains (the bound then equals the relaxation).
    """

    def __init__(self, master: _TeamMaster, ix: _k.TeamIndex, x: NDArray[np.int64]) -> None:
        self.master = master
        self.ix = ix
        n = master.pr.shape[1]
        # room for every target's columns plus one target's before they are cut to the best few
        self.buf = _buffer(_CG_PER_TARGET * n + 64, master.depth)
        centre = _unit_prices(master.pr, x)
        self.bound = _Bound(-np.inf, centre)
        count, phi, exact = self._price(centre)
        if exact:
            self.bound = _Bound(master.lagrangian(phi, centre), centre)
        master.add(self.buf.target[:count], self.buf.types[:count])
        self.alpha = _SMOOTHING
        self.done = False
        self.rounds = 0

    def _price(self, prices: _k.Prices) -> tuple[int, NDArray[np.float64], bool]:
        count, phi, exact, _ = _k.price_teams(
            self.master.pr, self.ix, prices, 0.0, _CG_PER_TARGET, _NODE_CAP, self.buf
        )
        return count, phi, exact

    def run(self, clock: _Clock, until_left_s: float = 0.0) -> None:
        """Rounds until done, the clock expires or only ``until_left_s`` seconds are left."""
        master = self.master
        while not self.done:
            left = clock.left()
            if clock.expired() or (left is not None and left <= until_left_s):
                return
            self.rounds += 1
            solved = master.lp(left)
            # out of rounds or out of time: the bound so far stands
            self.done = solved is None or self.rounds >= _CG_MAX_ROUNDS
            if solved is None:
                return
            lp_value, duals, sigma = solved
            if self.bound.value >= lp_value - _REL_GAP * abs(lp_value) / 4:
                self.done = True
                return
            while True:
                a = self.alpha
                centre = self.bound.prices
                mix = _k.Prices(*(a * c + (1.0 - a) * d for c, d in zip(centre, duals, strict=True)))
                count, phi, exact = self._price(mix)
                if exact:
                    value = master.lagrangian(phi, mix)
                    if value > self.bound.value:
                        self.bound = _Bound(value, mix)
                # columns with a negative reduced cost at the master's duals
                tgt, typ = self.buf.target[:count], self.buf.types[:count]
                rc = _reduced_costs(master, tgt, typ, duals, sigma)
                keep = rc < -_RC_TOL * max(abs(lp_value), 1.0)
                added = master.add(tgt[keep], typ[keep]) if keep.any() else 0
                if added or self.alpha == 0.0:
                    break
                self.alpha = 0.0 if self.alpha < 0.1 else self.alpha / 2.0
            self.done = self.done or not added


def _reduced_costs(
    master: _TeamMaster,
    target: NDArray[np.int64],
    types: NDArray[np.int64],
    prices: _k.Prices,
    sigma: NDArray[np.float64],
) -> NDArray[np.float64]:
    pr = master.pr
    ok = types >= 0
    t = np.maximum(types, 0)
    q = np.where(ok, pr.q[t, target[:, None]], 1.0)
    unit = np.where(ok, prices.stock[t] + prices.shot[pr.grp[t]], 0.0)
    red: NDArray[np.float64] = pr.value[target] * q.prod(axis=1) + unit.sum(axis=1) - sigma[target]
    # a fire unit's engage price once per team
    if np.any(prices.engage > 0.0):
        for c in range(target.size):
            red[c] += prices.engage[np.unique(pr.grp[types[c][ok[c]]])].sum()
    return red


@dataclass
class _Incumbent:
    x: NDArray[np.int64]
    f: float
    lb: float  # best proven (or given) lower bound

    def offer(self, pr: _Problem, x: NDArray[np.int64]) -> None:
        f = _objective(pr, x)
        if f < self.f:
            self.x, self.f = x.copy(), f

    @property
    def proven(self) -> bool:
        return self.f - self.lb <= _REL_GAP * self.f + 1e-12


def _anytime(pr: _Problem, clock: _Clock, lower_bound: float | None, *, polish: bool = True) -> _Incumbent:
    """Anytime search: improve until the budget is spent or the assignment is proven optimal.

    1. Greedy and a light local descent (a feasible start in milliseconds).
    2. Round 1: column generation on the team formulation (:class:`_TeamMaster`) gives a
       Lagrangian lower bound and a pool of teams; fixing the targets the relaxation gives one
       whole team and solving the integer master over the others' teams (HiGHS), then a descent,
       gives a near-optimal assignment.
    3. Rounds 2, 3, ...: the teams whose reduced cost under the best-bound prices is within the gap
       (incumbent - bound) are enumerated and the integer master solved over them. No assignment
       better than the incumbent uses any other team (the reduced costs of its teams sum to less
       than the gap), so when the enumeration is complete and HiGHS solves the master, the result
       is optimal: reduced-cost variable fixing (Nemhauser & Wolsey, *Integer and Combinatorial
       Optimization*, Wiley 1988, II.5; as column enumeration, Baldacci, Christofides & Mingozzi,
       Mathematical Programming 115, 2008). The enumeration buffer starts small and grows fourfold
       per round; while the gap holds more teams than the buffer, the teams within a quarter,
       a sixteenth... of it are taken instead: an exactly solved large neighbourhood of the
       relaxation's optimum.
    4. Any budget left (no bound, or an unsolved master), with ``polish``: rounds of the iterated
       local search.

    Each round's work is fixed by the input, so a larger round budget never gives a worse result;
    a time limit cuts the last round short.
    """
    m, n = pr.shape
    state = np.array([_SEED], dtype=np.uint64)
    x = _k.greedy(pr)
    # the first descent frees a few dozen targets per step (0.1 s at 300 x 600, where freeing
    # all of them takes seconds): the column generation does the rest
    sp = _search_params(pr)
    sp = sp._replace(p_free=min(1.0, _FREE_TARGETS / max(int(np.count_nonzero(x.sum(axis=0))), 1)))
    _k.descend(pr, sp, x, np.ones(n, np.bool_), sp.p_free, state)
    inc = _Incumbent(x.copy(), _objective(pr, x), max(0.0, -np.inf if lower_bound is None else lower_bound))
    width = int(min(pr.cap_t.max(), pr.stock.sum(), _TEAM_WIDTH))
    if not inc.proven and width > 0 and clock.start_round():
        master = _TeamMaster(pr, width)
        master.add(*_teams_of(inc.x))
        ix = _k.team_index(pr)
        cg = _ColumnGeneration(master, ix, inc.x)
        # with a time limit, the column generation stops short of it so that a dive still runs
        # (the dive's assignment is near-optimal long before the bound closes), then resumes
        left = clock.left()
        cg.run(clock, 0.0 if left is None else _DIVE_RESERVE * left)
        while not inc.proven and not clock.expired():
            inc.lb = max(inc.lb, cg.bound.value)
            x = master.dive(inc.x, clock.left())
            # the dive leaves single-unit slips that the assignment neighbourhood mends at once
            _k.descend(pr, sp, x, np.ones(n, np.bool_), sp.p_free, state)
            inc.offer(pr, x)
            if cg.done:
                break
            cg.run(clock)
        inc.lb = max(inc.lb, cg.bound.value)
        bound = cg.bound
        size = _ENUM_COLUMNS
        while np.isfinite(bound.value) and not inc.proven and clock.start_round():
            gap = inc.f - bound.value
            slack = gap
            while True:
                buf = _buffer(size, master.depth)
                count, _, exact, complete = _k.price_teams(pr, ix, bound.prices, slack, size, _NODE_CAP, buf)
                if complete or slack < 1e-9 * gap:
                    break
                slack /= 4.0
            x, solved = master.mip(buf.target[:count], buf.types[:count], inc.x, clock.left())
            inc.offer(pr, x)
            if exact and complete and solved and slack == gap:
                inc.lb = max(inc.lb, inc.f * (1.0 - _REL_GAP))
            elif not exact or not solved:
                break  # the bound cannot prove more, or the master ran out of time
            size *= 4
    x_cur = inc.x.copy()
    x_best = inc.x.copy()
    f_cur = f_best = inc.f
    while polish and not inc.proven and clock.start_round():
        f_cur, f_best = _k.iterated_search(pr, sp, x_cur, x_best, f_cur, f_best, 1, state)
        inc.offer(pr, x_best)
    return inc


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
    rounds: int | None = None,
    lower_bound: float | None = None,
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
        Optional wall-clock limit. The exact solver then returns its best assignment so far. The
        heuristic becomes an anytime search: it keeps improving until the limit, stopping earlier
        only when it proves its assignment optimal (to a relative 1e-6); its result then depends on
        machine speed.
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
        large-neighbourhood iterated local search; with a budget, the anytime search below) or
        ``"auto"`` (exact when ``m * n <= AUTO_EXACT_MAX_CELLS``).
    rounds
        Optional deterministic budget of the heuristic's anytime search, in rounds: the first is
        column generation and a dive, each further one a reduced-cost enumeration and its integer
        master, then (once those can do no more) one iterated-local-search round. The same input and
        ``rounds`` give the same output, and more rounds never a worse one. Without ``rounds`` and
        ``time_limit_s`` the heuristic is the local search alone, stopping when it stalls.
    lower_bound
        Optional known lower bound on the optimum (published, or from :func:`wta_lower_bound`):
        the anytime search stops once within a relative 1e-6 of it.

    Notes
    -----
    The anytime search (module notes; ``_anytime``) takes 0.05-2 s to prove the optimum of each
    public instance of Andersen et al. up to 300 x 600 with 1-3 units per type
    (docs/performance.md).

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
    Desrosiers J., Lubbecke M. E., "A primer in column generation", in Desaulniers G., Desrosiers
    J., Solomon M. M. (eds), *Column Generation*, Springer, 2005.
    """
    pr = _problem(value, pk, stock, max_per_target, group, group_shot_cap, group_target_cap)
    m, n = pr.shape
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"method must be 'auto', 'exact' or 'heuristic', got {method!r}")
    if rounds is not None and rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
    exact = method == "exact" or (method == "auto" and m * n <= AUTO_EXACT_MAX_CELLS)
    # Without a cell where a shot can lower the objective, the exact solver and the plain local
    # search both return no shots (see _can_shoot), so neither is started: most decision cycles of
    # a command post see only tracks out of reach, worthless, or with no missile or channel left.
    if m == 0 or n == 0 or ((exact or (time_limit_s is None and rounds is None)) and not _can_shoot(pr)):
        return np.zeros((m, n), np.int64)
    if exact:
        t0 = time.perf_counter()
        x = _heuristic(pr, time_limit_s)
        # The MILP only ever replaces its start by a strictly better assignment: where a small
        # search proves there is none (the usual case of a decision cycle's few cells), it would
        # return the start.
        if _k.none_better(pr, 1.0 - pr.pk, x, _objective(pr, x) * (1.0 + _PROOF_MARGIN), _PROOF_NODES) != 1:
            left = None if time_limit_s is None else max(time_limit_s - (time.perf_counter() - t0), 0.0)
            x, _, _ = _exact(pr, left, x)
    elif time_limit_s is None and rounds is None:
        x = _heuristic(pr, None)
    else:
        x = _anytime(pr, _Clock(time_limit_s, rounds), lower_bound).x
    assert _k.within_limits(pr, x), "WTA solver broke a limit"
    return x


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
    """A proven lower bound on the smallest expected surviving value.

    The Lagrangian bound of the team formulation (column generation, see :func:`solve_wta`), or
    the optimum itself when the anytime search proves it within the time; failing both, HiGHS's
    best bound on the exact solver's outer-approximation MILP (every such MILP is a relaxation).
    ``(objective - bound) / bound`` bounds the relative gap of any assignment. Parameters as for
    :func:`solve_wta`.
    """
    pr = _problem(value, pk, stock, max_per_target, group, group_shot_cap, group_target_cap)
    m, n = pr.shape
    if m == 0 or n == 0:
        return float(pr.value.sum())
    clock = _Clock(time_limit_s, None)
    inc = _anytime(pr, clock, None, polish=False)
    lb = inc.lb
    left = clock.left()
    if not inc.proven and left is not None and left > 0.0:
        lb = max(lb, _exact(pr, left, inc.x)[1])
    return max(lb, 0.0)
