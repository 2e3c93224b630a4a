"""Compiled kernels behind :mod:`samsim.models.radar` (plain arrays in, plain values out)."""

from __future__ import annotations

from samsim.arrays import IntArray
from samsim.jit import njit


@njit
def swerling_cases(swerling: IntArray) -> tuple[bool, bool]:
    """Of a 1-D array of Swerling cases, in one pass: whether every one is 0, 1 or 3 (the cases
    :func:`samsim.models.radar.probability_of_detection` knows), and whether all equal the first."""
    valid = True
    uniform = True
    first = swerling[0] if swerling.size else 0
    for i in range(swerling.size):
        case = swerling[i]
        if case != 0 and case != 1 and case != 3:
            valid = False
        if case != first:
            uniform = False
    return valid, uniform
