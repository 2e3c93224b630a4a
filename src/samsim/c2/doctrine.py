"""Fire policies: when a command post may (re-)engage a track it has already fired at.

A fire policy is a pure rule over what the command post remembers about one engagement (interceptors
still flying at the track, salvos fired, when the last one ended) and the doctrine's numbers (salvo
size, kill-assessment time). Policies register by the name a scenario uses in ``doctrine.policy``;
to add one, write a function with the :data:`FirePolicy` signature in a module of this package and
decorate it with :func:`fire_policy` (see docs/architecture.md).

References
----------
Wagner, D. H., Mylander, W. C., Sanders, T. J. (eds.), *Naval Operations Analysis*, 3rd ed., Naval
Institute Press, 1999, ch. 8 (shoot-look-shoot and shoot-shoot salvo doctrines).
Przemieniecki, J. S., *Mathematical Methods in Defense Analyses*, 3rd ed., AIAA, 2000, ch. 4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from samsim.arrays import BoolArray, FloatArray, IntArray
from samsim.registry import Registry

SALVOS_IN_FLIGHT_SHOOT_SHOOT = 2
"""Shoot-shoot: at most this many salvos in the air at one track."""
_T_EPS_S = 1e-9


@dataclass
class Engagement:
    """What the command post remembers about one track it engages."""

    in_flight: int = 0
    salvos: int = 0
    last_end_s: float = -np.inf


@dataclass(frozen=True)
class SalvoDoctrine:
    """The doctrine figures a fire policy reads."""

    salvo: int
    kill_assessment_s: float


FirePolicy = Callable[[Engagement, SalvoDoctrine, float, float], bool]
"""``(engagement, doctrine, time_s, last_update_s) -> may engage again``; ``last_update_s`` is when
the track last had a detection."""

FIRE_POLICIES: Registry[str, FirePolicy] = Registry("fire policy")
"""Policy name (as in a scenario's ``doctrine.policy``) -> rule."""
fire_policy = FIRE_POLICIES.register


@fire_policy("shoot-look-shoot")
def shoot_look_shoot(eng: Engagement, doctrine: SalvoDoctrine, time_s: float, last_update_s: float) -> bool:
    """Wait for every interceptor at the track to end, then for the kill assessment, and re-engage
    only a track seen again since: a target that stopped returning echoes after an intercept is
    assessed destroyed."""
    return (
        eng.in_flight == 0
        and time_s >= eng.last_end_s + doctrine.kill_assessment_s - _T_EPS_S
        and last_update_s > eng.last_end_s
    )


@fire_policy("shoot-shoot")
def shoot_shoot(eng: Engagement, doctrine: SalvoDoctrine, time_s: float, last_update_s: float) -> bool:
    """A second salvo may follow before the first arrives (up to
    :data:`SALVOS_IN_FLIGHT_SHOOT_SHOOT` salvos in the air), never more than one salvo per cycle."""
    del time_s, last_update_s  # the rule does not wait for anything
    return (
        eng.in_flight < SALVOS_IN_FLIGHT_SHOOT_SHOOT * doctrine.salvo
        and eng.in_flight < doctrine.salvo * (eng.salvos + 1)
    )


def policy(name: str) -> FirePolicy:
    """The registered fire policy called ``name``; ValueError listing the known ones otherwise."""
    return FIRE_POLICIES.lookup(name)


ADEQUATE_PK_FRACTION = 0.9
"""A missile type is adequate against a track when its planned kill probability is at least this
share of the best type's: among adequate types the command post fires the cheapest."""


def cheapest_adequate(pk: FloatArray, unit_cost_usd: FloatArray) -> FloatArray:
    """Keep, for each track (column), only the cheapest adequate missile types; the others get pk 0.

    ``pk`` is (types, tracks) planned single-shot kill probability; ``unit_cost_usd`` (types,), or
    (types, tracks) when the tracks' columns are of several fire units (each column its unit's costs).
    A type is adequate when its pk is at least :data:`ADEQUATE_PK_FRACTION` of the column's best;
    the cheapest adequate types keep their pk (ties in cost keep all of them). Spending the expensive
    long-range round only where nothing cheaper will do is the usual cost-exchange rule of
    air-defence doctrine (Wagner, Mylander & Sanders 1999, ch. 8).
    """
    pk = np.asarray(pk, dtype=np.float64)
    if pk.size == 0:
        return pk.copy()
    best = pk.max(axis=0, keepdims=True)
    adequate = (pk > 0.0) & (pk >= ADEQUATE_PK_FRACTION * best)
    unit_cost = np.asarray(unit_cost_usd, dtype=np.float64)
    cost = np.where(adequate, unit_cost if unit_cost.ndim == 2 else unit_cost[:, None], np.inf)
    cheapest = adequate & (cost <= cost.min(axis=0, keepdims=True))
    return np.where(cheapest, pk, 0.0)


def hold_reserve(pk: FloatArray, stock: IntArray, reserve: IntArray, high_value: BoolArray) -> FloatArray:
    """Keep a reserve of some missile types for high-value tracks (aircraft, ballistic missiles).

    ``stock`` and ``reserve`` are per type (missiles left on the launchers, and how many of them are
    kept back), or (types, tracks) when the columns are of several fire units; ``high_value`` per
    track. A type whose stock is at or below its reserve is not fired
    at tracks that are not high-value: its pk for them becomes 0.
    """
    pk = np.asarray(pk, dtype=np.float64)
    kept = np.asarray(stock) <= np.asarray(reserve)
    if kept.ndim == 1:
        kept = kept[:, None]
    return np.where(kept & ~np.asarray(high_value, dtype=bool)[None, :], 0.0, pk)
