"""Compiled kernels behind :mod:`samsim.models.frames` and :mod:`samsim.models.signature`."""

from __future__ import annotations

import numpy as np

from samsim.arrays import FloatArray
from samsim.jit import njit


def remainder(x: FloatArray, period: float) -> FloatArray:
    """``numpy.remainder(x, period)`` of a 1-D array for a positive ``period``, element for element
    the same value: compiled where ``|x| < period`` (there C ``fmod`` returns ``x``, and the floored
    remainder is ``x``, ``x + period`` below zero, +0 for a zero), NumPy's own elsewhere."""
    out, inside = _remainder_within(x, period)
    if not inside:
        rest = np.flatnonzero(~(np.abs(x) < period))
        out[rest] = np.remainder(x[rest], period)
    return out


@njit
def _remainder_within(x: FloatArray, period: float) -> tuple[FloatArray, bool]:
    """:func:`remainder` of the elements inside ``(-period, period)``, and whether that was all of
    them (the others are left for NumPy: an ``fmod`` in this loop, even on a branch not taken, would
    be computed for every element)."""
    n = x.size
    out = np.empty(n)
    inside = True
    for i in range(n):
        v = x[i]
        if -period < v < period:
            if v < 0.0:
                v = v + period
            elif v == 0.0:
                v = 0.0
            out[i] = v
        else:
            inside = False
    return out, inside


def azimuth_turn(azimuth_rad: FloatArray) -> FloatArray:
    """An ``arctan2`` azimuth in [-pi, pi] (1-D) moved into [0, 2 pi): :func:`remainder` by 2 pi, and
    a result that rounds up to 2 pi itself taken as 0."""
    out = remainder(azimuth_rad, 2.0 * np.pi)
    return _zero_full_turns(out)


@njit
def _zero_full_turns(turn_rad: FloatArray) -> FloatArray:
    """``turn_rad`` with every value at or above 2 pi set to 0, in place."""
    two_pi = 2.0 * np.pi
    for i in range(turn_rad.size):
        if turn_rad[i] >= two_pi:
            turn_rad[i] = 0.0
    return turn_rad
