"""Compiled kernels of the weapon-target assignment heuristic (see :mod:`samsim.c2.wta`).

Everything here works on trusted, validated arrays:

* ``q`` (m, n) survival factor ``1 - pk`` of one shot of weapon type i at target j, clamped to
  ``>= Q_FLOOR`` so that removing a shot is a division;
* ``allowed`` (m, n) ``pk > 0`` (a zero kill probability means out of envelope: never shoot there);
* ``stock`` (m,) units of each weapon type, ``cap_t`` (n,) shots allowed per target;
* ``grp`` (m,) fire unit of each weapon type, ``gshot_cap`` / ``gtgt_cap`` (G,) the fire unit's
  missiles-in-guidance and targets-in-engagement limits (a large number when absent);
* ``x`` (m, n) int64 shots of type i at target j.

Construction: maximum marginal return (greedy).

Descent, two neighbourhoods:

* :func:`lap_step`, a very-large-scale neighbourhood in the sense of Ahuja, Kumar, Jha & Orlin
  (Operations Research 55(6), 2007): each of a random subset of targets gives up one *block* (one
  unit, all units of one type there, or all units of one fire unit there); the blocks and the unused
  units become rows that are reassigned with at most one row per target (or left unused). Because
  no target receives two rows, the change of each target's surviving value is linear in the choice,
  so the best reassignment is a rectangular linear assignment problem; every cyclic and path
  exchange of Ahuja et al. over distinct targets is one of its solutions. It is solved exactly by
  the shortest augmenting path method (Jonker & Volgenant, Computing 38, 1987; Burkard,
  Dell'Amico & Martello, *Assignment Problems*, SIAM 2009, section 4.4);
* :func:`pair_sweep`: two targets re-split all their units optimally (enumeration), which gives a
  target two new units at once, the move the assignment neighbourhood lacks.

Iterated local search (Lourenco, Martin & Stutzle, "Iterated local search", Handbook of
Metaheuristics, 2003): kick two random units (move them, move a fire unit's block, unassign them,
or clear a whole fire unit), re-descend, keep the result when it is better.

Team formulation (the anytime search's column generation and enumeration): :func:`price_teams`
finds each target's best team (multiset of weapon types) under prices on the coupling rows, and
enumerates the teams close to it; :func:`team_columns` writes teams as sparse master columns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from samsim.jit import njit

Q_FLOOR = 1e-12
"""Smallest survival factor used inside the search (pk = 1 is treated as 1 - 1e-12)."""
_BIG = 1e300


class Problem(NamedTuple):
    """The validated problem, one record for the solvers and every kernel (fields as in the module
    notes; ``pk`` the kill probabilities as given, ``constrained`` whether any limit beyond the
    stocks was given)."""

    value: NDArray[np.float64]
    q: NDArray[np.float64]
    allowed: NDArray[np.bool_]
    stock: NDArray[np.int64]
    cap_t: NDArray[np.int64]
    grp: NDArray[np.int64]
    gshot_cap: NDArray[np.int64]
    gtgt_cap: NDArray[np.int64]
    pk: NDArray[np.float64]
    constrained: bool

    @property
    def shape(self) -> tuple[int, int]:
        """(weapon types, targets)."""
        m, n = self.pk.shape
        return int(m), int(n)


class Search(NamedTuple):
    """Effort and move mix of the local search.

    ``patience``: assignment steps without improvement before a descent tries the pair re-split;
    ``pair_units``: largest pair re-split (2**units cases; 0 turns it off); ``p_free``: share of
    the engaged targets giving up a block in later descents; ``p_group``: share of blocks that are a
    fire unit's whole engagement of a target; ``ruin``: kicks may unassign units or clear a fire unit;
    ``kicks``: units kicked per round; ``accept_rel``: a kicked result becomes the current one when
    within this relative margin of it; ``need_dummies``: every row of the assignment needs a
    "stay unused" column (limits or pk = 0 can leave a row nowhere to go).
    """

    patience: int
    pair_units: int
    p_free: float
    p_group: float
    ruin: bool
    kicks: int
    accept_rel: float
    need_dummies: bool


@njit
def rng_next(state: NDArray[np.uint64]) -> float:
    """Uniform draw in [0, 1) from a SplitMix64 generator whose state is ``state[0]``.

    Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014.
    """
    s = state[0] + np.uint64(0x9E3779B97F4A7C15)
    state[0] = s
    z = s
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit
def rng_int(state: NDArray[np.uint64], n: int) -> int:
    """Uniform integer in [0, n) (n >= 1)."""
    k = int(rng_next(state) * n)
    return k if k < n else n - 1


@njit
def survival(value: NDArray[np.float64], q: NDArray[np.float64], x: NDArray[np.int64]) -> NDArray[np.float64]:
    """Expected surviving value of each target, ``v_j * prod_i q_ij**x_ij``."""
    m, n = q.shape
    s = value.copy()
    for i in range(m):
        for j in range(n):
            for _ in range(x[i, j]):
                s[j] *= q[i, j]
    return s


@njit
def within_limits(pb: Problem, x: NDArray[np.int64]) -> bool:
    """Whether the (m, n) assignment ``x`` keeps every limit: no negative count, no shot where
    ``pk = 0``, the stocks, ``cap_t`` and the fire units' shot and target caps (what
    ``samsim.c2.wta.check_assignment`` reports nothing on, in one pass and without messages)."""
    _, _, allowed, stock, cap_t, grp, gshot_cap, gtgt_cap = pb[:8]
    m, n = x.shape
    ng = gshot_cap.shape[0]
    cnt = np.zeros(n, np.int64)
    gshots = np.zeros(ng, np.int64)
    gon = np.zeros((ng, n), np.bool_)
    for i in range(m):
        g = grp[i]
        used = 0
        for j in range(n):
            c = x[i, j]
            if c < 0 or (c > 0 and not allowed[i, j]):
                return False
            if c > 0:
                used += c
                cnt[j] += c
                gon[g, j] = True
        if used > stock[i]:
            return False
        gshots[g] += used
    for j in range(n):
        if cnt[j] > cap_t[j]:
            return False
    for g in range(ng):
        if gshots[g] > gshot_cap[g]:
            return False
        engaged = 0
        for j in range(n):
            if gon[g, j]:
                engaged += 1
        if engaged > gtgt_cap[g]:
            return False
    return True


@njit
def linear_assignment(cost: NDArray[np.float64], col4row: NDArray[np.int64]) -> float:
    """Minimum-cost assignment of every row of a (r, c) matrix, r <= c, to a distinct column.

    Shortest augmenting path with dual potentials (Jonker & Volgenant 1987; Burkard, Dell'Amico &
    Martello 2009, algorithm 4.9): one Dijkstra-like search per row over reduced costs. Writes the
    column of each row into ``col4row`` and returns the total cost (``inf`` if some row has only
    infinite entries).
    """
    nr, nc = cost.shape
    u = np.zeros(nr)
    v = np.zeros(nc)
    row4col = np.full(nc, -1, np.int64)
    shortest = np.empty(nc)
    path = np.empty(nc, np.int64)
    remaining = np.empty(nc, np.int64)
    scanned_rows = np.empty(nr, np.int64)
    for r in range(nr):
        col4row[r] = -1
    for cur in range(nr):
        for j in range(nc):
            shortest[j] = np.inf
            remaining[j] = nc - 1 - j
        n_rem = nc
        n_scanned = 0
        i = cur
        min_val = 0.0
        sink = -1
        while sink < 0:
            scanned_rows[n_scanned] = i
            n_scanned += 1
            lowest = np.inf
            k_low = -1
            ui = u[i]
            for k in range(n_rem):
                j = remaining[k]
                red = min_val + cost[i, j] - ui - v[j]
                if red < shortest[j]:
                    path[j] = i
                    shortest[j] = red
                # prefer a free column on ties: it ends the search sooner
                if shortest[j] < lowest or (shortest[j] == lowest and row4col[j] < 0):
                    lowest = shortest[j]
                    k_low = k
            min_val = lowest
            if min_val == np.inf:
                return np.inf
            j = remaining[k_low]
            n_rem -= 1
            remaining[k_low] = remaining[n_rem]
            remaining[n_rem] = j
            if row4col[j] < 0:
                sink = j
            else:
                i = row4col[j]
        u[cur] += min_val
        for k in range(1, n_scanned):
            i = scanned_rows[k]
            u[i] += min_val - shortest[col4row[i]]
        # columns taken off `remaining` are exactly the scanned ones
        for k in range(n_rem, nc):
            j = remaining[k]
            v[j] -= min_val - shortest[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            nxt = col4row[i]
            col4row[i] = j
            j = nxt
            if i == cur:
                break
    total = 0.0
    for r in range(nr):
        total += cost[r, col4row[r]]
    return total


@njit
def greedy(pb: Problem) -> NDArray[np.int64]:
    """Maximum marginal return: repeatedly add the feasible shot that kills the most value.

    den Broeder, Ellison & Emerling, "On optimum target assignments", Operations Research 7(3), 1959
    (optimal when all weapons are identical); Ahuja et al. 2007, section 5, as a construction step.
    Each weapon type keeps its best target, recomputed only when that target or a limit changes.
    """
    value, q, allowed, stock, cap_t, grp, gshot_cap, gtgt_cap = pb[:8]
    m, n = q.shape
    ng = gshot_cap.shape[0]
    x = np.zeros((m, n), np.int64)
    s = value.copy()
    free = stock.copy()
    cnt = np.zeros(n, np.int64)
    gshots = np.zeros(ng, np.int64)
    gon = np.zeros((ng, n), np.int64)
    gnt = np.zeros(ng, np.int64)
    best_gain = np.zeros(m)
    best_tgt = np.full(m, -1, np.int64)
    stale = np.ones(m, np.bool_)
    while True:
        bi = -1
        bg = 0.0
        for i in range(m):
            g = grp[i]
            if stale[i]:
                stale[i] = False
                best_gain[i] = 0.0
                best_tgt[i] = -1
                if free[i] > 0 and gshots[g] < gshot_cap[g]:
                    full = gnt[g] >= gtgt_cap[g]
                    for j in range(n):
                        if not allowed[i, j] or cnt[j] >= cap_t[j] or (full and gon[g, j] == 0):
                            continue
                        gain = s[j] * (1.0 - q[i, j])
                        if gain > best_gain[i]:
                            best_gain[i] = gain
                            best_tgt[i] = j
            if best_tgt[i] >= 0 and best_gain[i] > bg:
                bg = best_gain[i]
                bi = i
        if bi < 0:
            break
        bj = best_tgt[bi]
        g = grp[bi]
        x[bi, bj] += 1
        free[bi] -= 1
        s[bj] *= q[bi, bj]
        cnt[bj] += 1
        gshots[g] += 1
        if gon[g, bj] == 0:
            gnt[g] += 1
        gon[g, bj] += 1
        limit_hit = gshots[g] >= gshot_cap[g] or gnt[g] >= gtgt_cap[g]
        for i in range(m):
            if best_tgt[i] == bj or i == bi or (limit_hit and grp[i] == g):
                stale[i] = True
    return x


@njit
def _group_state(
    x: NDArray[np.int64], grp: NDArray[np.int64], ng: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Shots, per-target shot counts and engaged-target counts of every fire unit."""
    m, n = x.shape
    gshots = np.zeros(ng, np.int64)
    gon = np.zeros((ng, n), np.int64)
    for i in range(m):
        for j in range(n):
            if x[i, j] > 0:
                gshots[grp[i]] += x[i, j]
                gon[grp[i], j] += x[i, j]
    gnt = np.zeros(ng, np.int64)
    for g in range(ng):
        for j in range(n):
            if gon[g, j] > 0:
                gnt[g] += 1
    return gshots, gon, gnt


@njit
def lap_step(
    pb: Problem, x: NDArray[np.int64], p_free: float, p_block: float, sp: Search, state: NDArray[np.uint64]
) -> float:
    """One exact reassignment over the neighbourhood described in the module notes.

    Each target holding shots gives up, with probability ``p_free``, one random unit, or (with
    probability ``p_block``) every unit of that unit's type there, or (``sp.p_group``) every unit of
    its fire unit there. The given-up blocks and the unused units (blocks of one or two) are rows,
    reassigned with at most one row per target or left unused. Limits: a target takes a row only
    within ``cap_t``; a fire unit that could open more new targets than it may is allowed to do so
    with a random choice of that many rows only (the others stay on targets it engages); a fire
    unit over its guidance cap afterwards drops its least useful placed rows. ``x`` is replaced when
    the result is strictly better. Returns the expected surviving value of ``x`` on exit.
    """
    value, q, allowed, stock, cap_t, grp, gshot_cap, gtgt_cap = pb[:8]
    p_group = sp.p_group
    m, n = q.shape
    ng = gshot_cap.shape[0]
    s = survival(value, q, x)
    cur = 0.0
    for j in range(n):
        cur += s[j]
    gshots, gon, gnt = _group_state(x, grp, ng)
    cnt = np.zeros(n, np.int64)
    used = np.zeros(m, np.int64)
    nnz = 0
    for i in range(m):
        for j in range(n):
            cnt[j] += x[i, j]
            used[i] += x[i, j]
            if x[i, j] > 0:
                nnz += 1
    # a row is a block of units of one fire unit: components (type, count) in comp_*[start:stop]
    max_rows = n
    for i in range(m):
        max_rows += min(stock[i] - used[i], n)
    row_group = np.empty(max_rows, np.int64)
    row_home = np.empty(max_rows, np.int64)
    row_size = np.empty(max_rows, np.int64)
    row_start = np.empty(max_rows + 1, np.int64)
    comp_type = np.empty(max_rows + nnz, np.int64)
    comp_count = np.empty(max_rows + nnz, np.int64)
    nr = 0
    nc = 0
    row_start[0] = 0
    s_left = s.copy()
    for j in range(n):
        if cnt[j] == 0 or rng_next(state) >= p_free:
            continue
        k = rng_int(state, cnt[j])
        i = 0
        while k >= x[i, j]:
            k -= x[i, j]
            i += 1
        g = grp[i]
        r = rng_next(state)
        size = 0
        if r < p_group:
            for ii in range(m):
                if grp[ii] == g and x[ii, j] > 0:
                    comp_type[nc] = ii
                    comp_count[nc] = x[ii, j]
                    nc += 1
                    size += x[ii, j]
        else:
            c = x[i, j] if r < p_group + p_block else 1
            comp_type[nc] = i
            comp_count[nc] = c
            nc += 1
            size = c
        for t in range(row_start[nr], nc):
            for _ in range(comp_count[t]):
                s_left[j] /= q[comp_type[t], j]
        row_group[nr] = g
        row_home[nr] = j
        row_size[nr] = size
        nr += 1
        row_start[nr] = nc
        cnt[j] -= size
        gon[g, j] -= size
        if gon[g, j] == 0:
            gnt[g] -= 1
    # unused units, in blocks of one or two, up to each fire unit's free guidance channels plus the
    # ones its given-up units hold (so that a fire unit can swap weapons; its cap is restored below)
    room = gshot_cap - gshots
    for r in range(nr):
        room[row_group[r]] += row_size[r]
    start = rng_int(state, m) if m > 0 else 0
    for kk in range(m):
        i = (start + kk) % m
        g = grp[i]
        k = min(stock[i] - used[i], n, room[g])
        room[g] -= k
        while k > 0:
            c = 2 if k >= 2 and rng_next(state) < 0.5 else 1
            k -= c
            comp_type[nc] = i
            comp_count[nc] = c
            nc += 1
            row_group[nr] = g
            row_home[nr] = -1
            row_size[nr] = c
            nr += 1
            row_start[nr] = nc
    if nr == 0:
        return cur
    # a fire unit with more rows than targets it may still newly engage: a random choice of as many
    # rows as it has such targets may go anywhere, the others only to targets it already engages
    # (a restriction that keeps the assignment feasible whatever the rows do)
    rows_g = np.zeros(ng, np.int64)
    for r in range(nr):
        rows_g[row_group[r]] += 1
    anywhere = np.ones(nr, np.bool_)
    for g in range(ng):
        slots = max(gtgt_cap[g] - gnt[g], 0)
        if rows_g[g] <= slots:
            continue
        # reservoir choice of `slots` rows among the fire unit's rows
        seen = 0
        for r in range(nr):
            if row_group[r] != g:
                continue
            seen += 1
            if seen <= slots:
                continue
            anywhere[r] = False
            if slots > 0:
                k = rng_int(state, seen)
                if k < slots:
                    # row r takes the place of an earlier chosen row: find the k-th chosen one
                    c = -1
                    for rr in range(r):
                        if row_group[rr] == g and anywhere[rr]:
                            c += 1
                            if c == k:
                                anywhere[rr] = False
                                break
                    anywhere[r] = True
    nd = nr if sp.need_dummies else max(0, nr - n)
    cost = np.zeros((nr, n + nd))
    for r in range(nr):
        g = row_group[r]
        for j in range(n):
            ok = cnt[j] + row_size[r] <= cap_t[j] and (anywhere[r] or gon[g, j] > 0)
            f = 1.0
            for t in range(row_start[r], row_start[r + 1]):
                i = comp_type[t]
                if not allowed[i, j]:
                    ok = False
                    break
                for _ in range(comp_count[t]):
                    f *= q[i, j]
            cost[r, j] = s_left[j] * (f - 1.0) if ok else _BIG
    col4row = np.empty(nr, np.int64)
    linear_assignment(cost, col4row)
    # restore the guidance-channel caps: drop a fire unit's least useful placed rows until it fits
    shots_g = gshots.copy()
    for r in range(nr):
        if row_home[r] >= 0:
            shots_g[row_group[r]] -= row_size[r]
    for r in range(nr):
        c = col4row[r]
        if 0 <= c < n and cost[r, c] < _BIG:
            shots_g[row_group[r]] += row_size[r]
        else:
            col4row[r] = -1
    for g in range(ng):
        while shots_g[g] > gshot_cap[g]:
            worst = -1
            for r in range(nr):
                if row_group[r] == g and col4row[r] >= 0:
                    if worst < 0 or cost[r, col4row[r]] > cost[worst, col4row[worst]]:
                        worst = r
            shots_g[g] -= row_size[worst]
            col4row[worst] = -1
    new = 0.0
    for j in range(n):
        new += s_left[j]
    for r in range(nr):
        if col4row[r] >= 0:
            new += cost[r, col4row[r]]
    if not new < cur - 1e-12 * max(cur, 1e-300):
        return cur
    for r in range(nr):
        h = row_home[r]
        c = col4row[r]
        moved = c >= 0
        for t in range(row_start[r], row_start[r + 1]):
            if h >= 0:
                x[comp_type[t], h] -= comp_count[t]
            if moved:
                x[comp_type[t], c] += comp_count[t]
    return new


@njit
def descend(
    pb: Problem,
    sp: Search,
    x: NDArray[np.int64],
    dirty: NDArray[np.bool_],
    p_free_hi: float,
    state: NDArray[np.uint64],
) -> float:
    """Local descent: repeat :func:`lap_step` (each target giving up a block with probability
    ``p_free_hi``, then half that, alternately) until ``sp.patience`` steps in a row bring no
    improvement, then one :func:`pair_sweep` (if ``sp.pair_units`` > 0); start again while that
    improves. ``dirty`` marks the targets changed since ``x`` was last pair-optimal (all of them for
    a fresh ``x``). Returns the final objective."""
    m, n = x.shape
    patience = sp.patience
    p_block = 0.5 if sp.p_group <= 0.0 else (1.0 - sp.p_group) / 2.0
    before = np.empty_like(x)
    while True:
        before[:, :] = x
        f = np.inf
        fails = 0
        k = 0
        while fails < patience:
            p_free = p_free_hi if k % 2 == 0 else 0.5 * p_free_hi
            k += 1
            f_new = lap_step(pb, x, p_free, p_block, sp, state)
            if f_new < f - 1e-12 * max(f_new, 1e-300):
                fails = 0
            else:
                fails += 1
            f = f_new
        for j in range(n):
            for i in range(m):
                if x[i, j] != before[i, j]:
                    dirty[j] = True
                    break
        if sp.pair_units <= 0 or not pair_sweep(pb, x, sp.pair_units, dirty):
            return f


@njit
def _random_unit(x: NDArray[np.int64], state: NDArray[np.uint64]) -> tuple[int, int]:
    """(weapon type, target) of one assigned unit drawn uniformly; (-1, -1) when none is assigned."""
    m, n = x.shape
    total = 0
    for i in range(m):
        for j in range(n):
            total += x[i, j]
    if total == 0:
        return -1, -1
    k = rng_int(state, total)
    for i in range(m):
        for j in range(n):
            if k < x[i, j]:
                return i, j
            k -= x[i, j]
    return -1, -1


@njit
def kick(pb: Problem, x: NDArray[np.int64], state: NDArray[np.uint64]) -> None:
    """Move one random unit to a random other target where the move keeps every limit."""
    allowed, cap_t, grp, gtgt_cap = pb.allowed, pb.cap_t, pb.grp, pb.gtgt_cap
    m, n = x.shape
    if n < 2:
        return
    src_i, src_j = _random_unit(x, state)
    if src_i < 0:
        return
    g = grp[src_i]
    ng = gtgt_cap.shape[0]
    _, gon, gnt = _group_state(x, grp, ng)
    for _ in range(16):
        t = rng_int(state, n)
        if t == src_j or not allowed[src_i, t]:
            continue
        cnt_t = 0
        for i in range(m):
            cnt_t += x[i, t]
        if cnt_t >= cap_t[t]:
            continue
        if gon[g, t] == 0:
            after = gnt[g] + 1 - (1 if gon[g, src_j] == 1 else 0)
            if after > gtgt_cap[g]:
                continue
        x[src_i, src_j] -= 1
        x[src_i, t] += 1
        return


@njit
def kick_out(
    grp: NDArray[np.int64], x: NDArray[np.int64], whole_group: bool, state: NDArray[np.uint64]
) -> None:
    """Unassign one random unit, or every unit its fire unit has at that target (always feasible;
    the descent that follows may use the freed units and channels elsewhere)."""
    m = x.shape[0]
    i, j = _random_unit(x, state)
    if i < 0:
        return
    if whole_group:
        for ii in range(m):
            if grp[ii] == grp[i]:
                x[ii, j] = 0
    else:
        x[i, j] -= 1


@njit
def kick_group(pb: Problem, x: NDArray[np.int64], state: NDArray[np.uint64]) -> None:
    """Move every unit a fire unit has at a random target to another random target (the fire unit
    leaves one target and engages one, so its target count never grows)."""
    allowed, cap_t, grp = pb.allowed, pb.cap_t, pb.grp
    m, n = x.shape
    if n < 2:
        return
    src_i, src_j = _random_unit(x, state)
    if src_i < 0:
        return
    g = grp[src_i]
    size = 0
    for i in range(m):
        if grp[i] == g:
            size += x[i, src_j]
    for _ in range(16):
        t = rng_int(state, n)
        if t == src_j:
            continue
        ok = True
        cnt_t = 0
        for i in range(m):
            cnt_t += x[i, t]
            if grp[i] == g and x[i, src_j] > 0 and not allowed[i, t]:
                ok = False
        if not ok or cnt_t + size > cap_t[t]:
            continue
        for i in range(m):
            if grp[i] == g and x[i, src_j] > 0:
                x[i, t] += x[i, src_j]
                x[i, src_j] = 0
        return


@njit
def iterated_search(
    pb: Problem,
    sp: Search,
    x_cur: NDArray[np.int64],
    x_best: NDArray[np.int64],
    f_cur: float,
    f_best: float,
    rounds: int,
    state: NDArray[np.uint64],
) -> tuple[float, float]:
    """``rounds`` rounds of iterated local search: kick ``sp.kicks`` units, re-descend, and move
    there when the result is within ``sp.accept_rel`` of the current objective (relative).

    A kick moves a unit (or, when ``sp.p_group`` > 0, half of the time every unit of its fire unit
    at that target) to another target; with ``sp.ruin`` it unassigns them half of the time instead,
    which is always feasible however tight the limits.

    ``x_cur`` / ``x_best`` are updated in place; returns their objectives.
    """
    grp = pb.grp
    p_group, ruin, accept_rel = sp.p_group, sp.ruin, sp.accept_rel
    m, n = x_cur.shape
    y = x_cur.copy()
    dirty = np.zeros(n, np.bool_)
    for _ in range(rounds):
        y[:, :] = x_cur
        for _k in range(sp.kicks):
            r = rng_next(state)
            whole = p_group > 0.0 and rng_next(state) < 0.5
            if ruin and r < 0.25:
                # ruin one fire unit entirely; the descent rebuilds its engagements
                g = grp[rng_int(state, m)]
                for i in range(m):
                    if grp[i] == g:
                        y[i, :] = 0
            elif ruin and r < 0.5:
                kick_out(grp, y, whole, state)
            elif whole:
                kick_group(pb, y, state)
            else:
                kick(pb, y, state)
        for j in range(n):
            dirty[j] = False
            for i in range(m):
                if y[i, j] != x_cur[i, j]:
                    dirty[j] = True
                    break
        f = descend(pb, sp, y, dirty, sp.p_free, state)
        if f < f_best - 1e-12 * max(f, 1e-300):
            x_best[:, :] = y
            f_best = f
        if f < f_cur * (1.0 + accept_rel) - 1e-12 * max(f, 1e-300):
            x_cur[:, :] = y
            f_cur = f
    return f_cur, f_best


@njit
def _units_at(x: NDArray[np.int64], j: int, out: NDArray[np.int64]) -> int:
    """Write the weapon type of every unit at target ``j`` into ``out``; return their number."""
    c = 0
    for i in range(x.shape[0]):
        for _ in range(x[i, j]):
            out[c] = i
            c += 1
    return c


@njit
def pair_sweep(pb: Problem, x: NDArray[np.int64], max_units: int, dirty: NDArray[np.bool_]) -> bool:
    """Re-split optimally the units of every pair of targets (first improvement, one sweep).

    Complements the assignment neighbourhood, which never gives a target two new units: here two
    targets may exchange any subsets of their units (moves and swaps are special cases). Pairs
    holding more than ``max_units`` units are skipped (the split is enumerated, 2**units cases).
    Only pairs with a ``dirty`` target are examined (the others were examined when they last
    changed); on exit ``dirty`` marks the targets this sweep changed. Returns whether ``x`` changed.
    """
    value, q, allowed, cap_t, grp, gtgt_cap = pb.value, pb.q, pb.allowed, pb.cap_t, pb.grp, pb.gtgt_cap
    m, n = q.shape
    ng = gtgt_cap.shape[0]
    s = survival(value, q, x)
    cnt = np.zeros(n, np.int64)
    for i in range(m):
        for j in range(n):
            cnt[j] += x[i, j]
    _, gon, gnt = _group_state(x, grp, ng)
    units = np.empty(2 * max_units, np.int64)
    best_units = np.empty(2 * max_units, np.int64)
    new_j = np.zeros(ng, np.bool_)
    new_k = np.zeros(ng, np.bool_)
    changed = False
    touched = np.zeros(n, np.bool_)
    todo = np.nonzero(dirty)[0]
    for jj in range(todo.shape[0]):
        a = todo[jj]
        for b in range(n):
            # a pair of two dirty targets is examined once, from its smaller index
            if b == a or (dirty[b] and b < a):
                continue
            j = min(a, b)
            k = max(a, b)
            c = cnt[j] + cnt[k]
            if c == 0 or c > max_units:
                continue
            cj = _units_at(x, j, units)
            _units_at(x, k, units[cj:])
            cur = s[j] + s[k]
            best = cur - 1e-12 * max(cur, 1e-300)
            best_mask = -1
            for mask in range(1 << c):
                nk = 0
                qj = 1.0
                qk = 1.0
                ok = True
                for u in range(c):
                    i = units[u]
                    if (mask >> u) & 1:
                        if not allowed[i, k]:
                            ok = False
                            break
                        qk *= q[i, k]
                        nk += 1
                    else:
                        if not allowed[i, j]:
                            ok = False
                            break
                        qj *= q[i, j]
                if not ok or c - nk > cap_t[j] or nk > cap_t[k]:
                    continue
                f = value[j] * qj + value[k] * qk
                if f >= best:
                    continue
                # fire-unit target limits: every unit at j and k is in the split, so the
                # fire units' engagements of j and k after it follow from the mask alone
                for u in range(c):
                    g = grp[units[u]]
                    new_j[g] = False
                    new_k[g] = False
                for u in range(c):
                    g = grp[units[u]]
                    if (mask >> u) & 1:
                        new_k[g] = True
                    else:
                        new_j[g] = True
                feasible = True
                for u in range(c):
                    g = grp[units[u]]
                    old = (1 if gon[g, j] > 0 else 0) + (1 if gon[g, k] > 0 else 0)
                    new = (1 if new_j[g] else 0) + (1 if new_k[g] else 0)
                    if gnt[g] - old + new > gtgt_cap[g]:
                        feasible = False
                if feasible:
                    best = f
                    best_mask = mask
            if best_mask < 0:
                continue
            for u in range(c):
                best_units[u] = units[u]
            for u in range(c):
                i = best_units[u]
                if u < cj:
                    x[i, j] -= 1
                else:
                    x[i, k] -= 1
                if (best_mask >> u) & 1:
                    x[i, k] += 1
                else:
                    x[i, j] += 1
            changed = True
            touched[j] = True
            touched[k] = True
            s[j] = value[j]
            s[k] = value[k]
            cnt[j] = 0
            cnt[k] = 0
            for i in range(m):
                for _ in range(x[i, j]):
                    s[j] *= q[i, j]
                for _ in range(x[i, k]):
                    s[k] *= q[i, k]
                cnt[j] += x[i, j]
                cnt[k] += x[i, k]
            _, gon, gnt = _group_state(x, grp, ng)
    dirty[:] = touched
    return changed


# ---------------------------------------------------------------------------------------------
# team (set-partitioning) formulation: pricing and reduced-cost enumeration


class Prices(NamedTuple):
    """Nonnegative multipliers of the team formulation's coupling rows: ``stock`` (m,) one unit of a
    weapon type, ``shot`` (G,) one missile of a fire unit in guidance, ``engage`` (G,) one more
    target engaged by a fire unit (zero where the row is absent)."""

    stock: NDArray[np.float64]
    shot: NDArray[np.float64]
    engage: NDArray[np.float64]


class Teams(NamedTuple):
    """Buffer of enumerated columns: ``target`` (C,), ``types`` (C, D) weapon type of each unit of the
    team (-1 pads; a type appears once per unit), ``cost`` (C,) ``v_j prod q``, ``red`` (C,) cost plus
    the priced rows (the Lagrangian value of the column)."""

    target: NDArray[np.int64]
    types: NDArray[np.int64]
    cost: NDArray[np.float64]
    red: NDArray[np.float64]


class TeamIndex(NamedTuple):
    """What :func:`price_teams` reuses between calls: ``order`` (m, n), each target's weapon types
    by decreasing kill probability; ``lnq`` (m, n) ``ln q_ij``."""

    order: NDArray[np.int64]
    lnq: NDArray[np.float64]


@njit
def team_index(pb: Problem) -> TeamIndex:
    """The :class:`TeamIndex` of a problem."""
    m, n = pb.q.shape
    order = np.empty((m, n), np.int64)
    for j in range(n):
        order[:, j] = np.argsort(pb.q[:, j], kind="mergesort")
    return TeamIndex(order, np.log(pb.q))


@njit
def _relaxed_rest(s: float, ln_s: float, rate: float, ln_rate: float) -> float:
    """``min_{t >= 0} s e^-t + rate t``: the cheapest way to kill further, with kill rate
    (``-ln q``) bought at ``rate`` per unit, continuously (``ln_s = ln s``, ``ln_rate = ln rate``)."""
    if s <= rate:
        return s
    if rate > 0.0:
        return rate * (1.0 + ln_s - ln_rate)
    return 0.0


@njit
def _keep_best(out: Teams, start: int, stop: int, keep: int, limit: float) -> int:
    """Keep, of the teams in ``out[start:stop]``, those with value ``<= limit``, at most the ``keep``
    best; returns the new end."""
    c_n = 0
    for c in range(start, stop):
        if out.red[c] <= limit:
            if start + c_n != c:
                out.target[start + c_n] = out.target[c]
                out.types[start + c_n, :] = out.types[c, :]
                out.cost[start + c_n] = out.cost[c]
                out.red[start + c_n] = out.red[c]
            c_n += 1
    if c_n > keep:
        idx = np.argsort(out.red[start : start + c_n], kind="mergesort")[:keep] + start
        types = out.types[idx].copy()
        cost = out.cost[idx].copy()
        red = out.red[idx].copy()
        for t in range(keep):
            out.types[start + t, :] = types[t]
            out.cost[start + t] = cost[t]
            out.red[start + t] = red[t]
        c_n = keep
    return start + c_n


@njit
def price_teams(
    pb: Problem,
    ix: TeamIndex,
    pr: Prices,
    slack: float,
    per_target: int,
    node_cap: int,
    out: Teams,
) -> tuple[int, NDArray[np.float64], bool, bool]:
    """Best team of every target under prices, and the teams close to it.

    For target j, ``phi_j = min_T v_j prod_{i in T} q_ij + sum_{i in T} (stock_i + shot_g(i)) +
    sum_{g engaged by T} engage_g`` over teams T (multisets of weapon types) that respect ``cap_t``,
    ``pk > 0``, the stocks and the fire units' limits; the empty team (value ``v_j``) included. This
    is the pricing problem of column generation for the set-partitioning formulation (one team per
    target; Desrosiers & Lubbecke, "A primer in column generation", in *Column Generation*, Springer
    2005), and ``sum_j phi_j - prices . capacities`` is a Lagrangian lower bound on the optimum.

    Depth-first search over teams in each target's ``ix.order`` (decreasing pk), so that a unit is
    only followed by units with no larger pk. Five prunings keep it exact:

    * a unit whose price exceeds ``s * p_ij + slack`` (``s`` the survival before it) is never in a
      team within ``slack`` of the best: dropping it gains more than ``slack``;
    * no extension of a prefix (survival ``s``, price sum ``l``) goes below ``l + g(s)``, with
      ``g(s) = min_t s e^-t + c t`` the continuous relaxation at the cheapest kill rate
      ``c = min_i price_i / -ln q_ij``;
    * nor does any child of it from position k on go below ``l + g(s q_k)`` (later types kill less);
    * nor is any unit from position k on worth its price when the cheapest of them costs more than
      ``s * p_k + slack`` (suffix minima ``c_k`` of the prices along the order);
    * nor does any child from position k on go below ``l + min_d (s q_k^d + d c_k)``: its d more
      units each kill no more than the one at k and cost no less than ``c_k``.

    Writes, per target, the teams with value ``<= phi_j + slack`` (at most ``per_target`` of them,
    the best) to ``out``; with ``per_target <= 16`` (column generation) the ``per_target`` best teams
    whatever their value (but none with a unit the first pruning drops). Returns their number,
    ``phi``, whether ``phi`` is exact (no target hit ``node_cap`` search nodes or the buffer's team
    size) and whether every team within the slack was written (a full buffer ends the search).
    """
    value, q, allowed, stock, cap_t, grp, gshot_cap, gtgt_cap = pb[:8]
    order, lnq = ix
    m, n = q.shape
    ng = gshot_cap.shape[0]
    cap_out = out.target.shape[0]
    dmax = out.types.shape[1]
    phi = np.zeros(n)
    unit = np.empty(m)
    for i in range(m):
        unit[i] = max(pr.stock[i], 0.0) + max(pr.shot[grp[i]], 0.0)
    stack = np.empty(dmax, np.int64)
    pos = np.zeros(dmax + 1, np.int64)
    sv = np.empty(dmax + 1)
    lsv = np.empty(dmax + 1)
    cheap_from = np.empty(m + 1)  # cheapest unit price from each position of the order on
    ls = np.empty(dmax + 1)
    tcnt = np.zeros(m, np.int64)
    gcnt = np.zeros(ng, np.int64)
    # a few columns per target (column generation): prune at the per_target-th best found so far
    top = per_target if per_target <= 16 else 0
    kbest = np.empty(max(top, 1))
    nout = 0
    exact = True
    complete = True
    for j in range(n):
        if value[j] <= 0.0:
            phi[j] = 0.0
            continue
        best = value[j]
        start = nout
        nk = 0
        limit = min(cap_t[j], dmax)
        cheapest = np.inf
        cheap_from[m] = np.inf
        for k in range(m - 1, -1, -1):
            i = order[k, j]
            cheap_from[k] = cheap_from[k + 1]
            if allowed[i, j] and stock[i] > 0:
                cheap_from[k] = min(cheap_from[k], unit[i])
                r = unit[i] / -lnq[i, j]
                if r < cheapest:
                    cheapest = r
        ln_cheapest = np.log(cheapest) if 0.0 < cheapest < np.inf else 0.0
        nodes = 0
        depth = 0
        pos[0] = 0
        sv[0] = value[j]
        lsv[0] = np.log(value[j])
        ls[0] = 0.0
        while depth >= 0:
            k = pos[depth]
            s = sv[depth]
            tol = slack + 1e-12 * abs(best)
            cut = best + tol
            if top > 0:
                cut = max(cut, kbest[top - 1] if nk == top else value[j])
            ln_s = lsv[depth]
            stop = k >= m or depth >= limit or ls[depth] + _relaxed_rest(s, ln_s, cheapest, ln_cheapest) > cut
            if not stop:
                ik = order[k, j]
                qk = q[ik, j]
                ck = cheap_from[k]
                stop = ck > s * (1.0 - qk) + tol or (
                    ls[depth] + _relaxed_rest(s * qk, ln_s + lnq[ik, j], cheapest, ln_cheapest) > cut
                )
                if not stop:
                    # d more units, each killing no more than the one at k and costing no less
                    # than the cheapest from k on: at least min_d s q_k^d + d c_k
                    low = np.inf
                    sd = s
                    for d in range(1, limit - depth + 1):
                        sd *= qk
                        low = min(low, sd + d * ck)
                        if d * ck > low:
                            break
                    stop = ls[depth] + low > cut
            if not stop and nodes >= node_cap:
                stop = True
                exact = False
            if stop:
                if depth >= limit and limit < cap_t[j] and k < m:
                    ik = order[k, j]
                    deeper = cheap_from[k] <= s * (1.0 - q[ik, j]) + tol
                    if deeper and ls[depth] + _relaxed_rest(s, ln_s, cheapest, ln_cheapest) <= cut:
                        exact = False  # the buffer's team size cut a better team off
                depth -= 1
                if depth >= 0:
                    i = stack[depth]
                    tcnt[i] -= 1
                    gcnt[grp[i]] -= 1
                    pos[depth] += 1
                continue
            nodes += 1
            i = order[k, j]
            g = grp[i]
            if (
                not allowed[i, j]
                or tcnt[i] >= stock[i]
                or gcnt[g] >= gshot_cap[g]
                or (gcnt[g] == 0 and gtgt_cap[g] <= 0)
                or unit[i] > s * (1.0 - q[i, j]) + tol
            ):
                pos[depth] += 1
                continue
            extra = max(pr.engage[g], 0.0) if gcnt[g] == 0 else 0.0
            stack[depth] = i
            tcnt[i] += 1
            gcnt[g] += 1
            sv[depth + 1] = s * q[i, j]
            lsv[depth + 1] = ln_s + lnq[i, j]
            ls[depth + 1] = ls[depth] + unit[i] + extra
            red = sv[depth + 1] + ls[depth + 1]
            if red < best:
                best = red
            if red <= cut:
                if top > 0:
                    # insert into the sorted per_target best values
                    t = nk if nk < top else top - 1
                    if nk < top or red < kbest[t]:
                        while t > 0 and kbest[t - 1] > red:
                            kbest[t] = kbest[t - 1]
                            t -= 1
                        kbest[t] = red
                        nk = min(nk + 1, top)
                if nout == cap_out and top > 0:
                    # column generation: cut this target's columns back to its best few
                    nout = _keep_best(out, start, nout, top, np.inf)
                if nout == cap_out:
                    # the buffer is full: what it holds is all an enumeration gets (phi is then
                    # unknown for the later targets, and not asked for)
                    return nout, phi, False, False
                out.target[nout] = j
                for d in range(dmax):
                    out.types[nout, d] = stack[d] if d <= depth else -1
                out.cost[nout] = sv[depth + 1]
                out.red[nout] = red
                nout += 1
            depth += 1
            pos[depth] = k  # the same type may follow (several units of it)
        phi[j] = best
        if top > 0:
            nout = _keep_best(out, start, nout, top, np.inf)
            complete = False
        else:
            nout = _keep_best(out, start, nout, per_target, best + slack + 1e-12 * abs(best))
    return nout, phi, exact, complete


@njit
def team_columns(
    pb: Problem, types: NDArray[np.int64], target: NDArray[np.int64], rows: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float64]]:
    """Sparse (CSC) entries of team columns in the master problem.

    ``rows`` (3, max(m, G)): row of each weapon type's stock, of each fire unit's guidance cap and of
    its target cap (-1: no such row); target j's convexity row is row j. Returns column starts,
    row indices and coefficients.
    """
    c_n, dmax = types.shape
    m = pb.q.shape[0]
    ng = pb.gshot_cap.shape[0]
    start = np.zeros(c_n + 1, np.int64)
    index = np.empty(c_n * (1 + 3 * dmax), np.int32)
    coef = np.empty(c_n * (1 + 3 * dmax))
    tcnt = np.zeros(m, np.int64)
    gcnt = np.zeros(ng, np.int64)
    e = 0
    for c in range(c_n):
        index[e] = target[c]
        coef[e] = 1.0
        e += 1
        for d in range(dmax):
            i = types[c, d]
            if i >= 0:
                tcnt[i] += 1
                gcnt[pb.grp[i]] += 1
        for d in range(dmax):
            i = types[c, d]
            if i < 0:
                continue
            if tcnt[i] > 0:
                if rows[0, i] >= 0:
                    index[e] = rows[0, i]
                    coef[e] = tcnt[i]
                    e += 1
                tcnt[i] = 0
            g = pb.grp[i]
            if gcnt[g] > 0:
                if rows[1, g] >= 0:
                    index[e] = rows[1, g]
                    coef[e] = gcnt[g]
                    e += 1
                if rows[2, g] >= 0:
                    index[e] = rows[2, g]
                    coef[e] = 1.0
                    e += 1
                gcnt[g] = 0
        start[c + 1] = e
    return start, index[:e], coef[:e]


@njit
def none_better(
    pb: Problem, q: NDArray[np.float64], x0: NDArray[np.int64], limit: float, node_cap: int
) -> int:
    """Whether some feasible assignment other than ``x0`` has an expected surviving value
    ``sum_j v_j prod_i q_ij**x_ij`` below ``limit`` (``q``: the survival factors, ``1 - pk`` or the
    search's floored ``pb.q``), by exhaustive branch and bound over the targets: 1 proven none, 0
    found one, -1 gave up (more than ``node_cap`` search nodes or candidate shot vectors).

    Each target's candidates are its shot vectors within its own limits (``pk = 0`` cells, the
    stocks, ``cap_t`` and its fire units' shot caps); a branch is cut when its targets' surviving
    value so far plus the least each remaining target can keep reaches ``limit`` (every term is
    non-negative, so nothing below it goes under). Surviving values are multiplied out one shot at
    a time."""
    value, _, allowed, stock, cap_t, grp, gshot_cap, gtgt_cap = pb[:8]
    m, n = x0.shape
    if n == 0:
        return 1
    ng = gshot_cap.shape[0]
    # every target's candidate shot vectors (mixed-radix count over the types, each up to its cap)
    hi = np.zeros((n, m), np.int64)
    for j in range(n):
        for i in range(m):
            if allowed[i, j]:
                hi[j, i] = min(stock[i], cap_t[j], gshot_cap[grp[i]])
    start = np.zeros(n + 1, np.int64)
    opts = np.zeros((node_cap, m), np.int64)
    surv = np.zeros(node_cap)
    same = np.zeros(node_cap, np.bool_)
    least = np.zeros(n + 1)  # least each target keeps, summed from the back (filled below)
    k = 0
    c = np.zeros(m, np.int64)
    per_group = np.zeros(ng, np.int64)
    steps = 0
    for j in range(n):
        c[:] = 0
        best = np.inf
        while True:
            steps += 1
            if steps > node_cap * (m + 1):
                return -1
            total = 0
            per_group[:] = 0
            for i in range(m):
                total += c[i]
                per_group[grp[i]] += c[i]
            over = total > cap_t[j]
            for g in range(ng):
                if per_group[g] > gshot_cap[g] or (per_group[g] > 0 and gtgt_cap[g] < 1):
                    over = True
            if over:
                # the counts up to the next carry past the lowest one not zero only add shots: skip
                # them (the zero vector is never over, so there is one)
                low = 0
                while c[low] == 0:
                    low += 1
                for i in range(low + 1):
                    c[i] = hi[j, i]
            else:
                if k >= node_cap:
                    return -1
                s = value[j]
                eq = True
                for i in range(m):
                    opts[k, i] = c[i]
                    eq = eq and c[i] == x0[i, j]
                    for _ in range(c[i]):
                        s *= q[i, j]
                surv[k] = s
                same[k] = eq
                best = min(best, s)
                k += 1
            i = 0
            while i < m and c[i] == hi[j, i]:
                c[i] = 0
                i += 1
            if i == m:
                break
            c[i] += 1
        start[j + 1] = k
        least[j] = best
    for j in range(n - 1, -1, -1):
        least[j] += least[j + 1]
    least[n] = 0.0
    # depth-first over the targets, the choice at each depth an index into its candidates
    used = np.zeros(m, np.int64)
    gshots = np.zeros(ng, np.int64)
    gtgts = np.zeros(ng, np.int64)
    pick = np.full(n, -1, np.int64)
    partial = np.zeros(n + 1)
    differs = np.zeros(n + 1, np.int64)
    nodes = 0
    d = 0
    while d >= 0:
        if pick[d] >= 0:  # take back this depth's last choice
            o = pick[d]
            for i in range(m):
                used[i] -= opts[o, i]
            per_group[:] = 0
            for i in range(m):
                per_group[grp[i]] += opts[o, i]
            for g in range(ng):
                gshots[g] -= per_group[g]
                if per_group[g] > 0:
                    gtgts[g] -= 1
        o = start[d] if pick[d] < 0 else pick[d] + 1
        while o < start[d + 1]:
            nodes += 1
            if nodes > node_cap:
                return -1
            ok = partial[d] + surv[o] + least[d + 1] < limit
            for i in range(m):
                if used[i] + opts[o, i] > stock[i]:
                    ok = False
            if ok:
                per_group[:] = 0
                for i in range(m):
                    per_group[grp[i]] += opts[o, i]
                for g in range(ng):
                    if gshots[g] + per_group[g] > gshot_cap[g]:
                        ok = False
                    if per_group[g] > 0 and gtgts[g] + 1 > gtgt_cap[g]:
                        ok = False
            if ok:
                break
            o += 1
        if o >= start[d + 1]:
            pick[d] = -1
            d -= 1
            continue
        pick[d] = o
        for i in range(m):
            used[i] += opts[o, i]
        for g in range(ng):
            gshots[g] += per_group[g]
            if per_group[g] > 0:
                gtgts[g] += 1
        partial[d + 1] = partial[d] + surv[o]
        differs[d + 1] = differs[d] + (0 if same[o] else 1)
        if d + 1 == n:
            if differs[n] > 0:  # a feasible assignment other than x0 under the limit
                return 0
            continue  # x0 itself: try this depth's next candidate
        d += 1
    return 1
