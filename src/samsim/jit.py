"""One compilation decorator for every compiled kernel (the poliastro ``core/_jit`` pattern).

Kernels stay plain Python functions on floats and arrays; this wrapper compiles them with numba
and keeps their signatures visible to mypy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
from numba import types
from numba.extending import intrinsic

F = TypeVar("F", bound=Callable[..., Any])


def njit(fn: F) -> F:
    """Compile ``fn`` in nopython mode with an on-disk cache."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def njit_inline(fn: F) -> F:
    """Compile ``fn`` for inlining into the compiled kernels that call it (numba's IR-level
    ``inline="always"``): the caller's constant arguments, such as a fixed state dimension, then
    reach its loops, which the compiler unrolls."""
    return cast(F, numba.njit(cache=True, nogil=True, inline="always")(fn))


def _fma_intrinsic(typingctx: object, a: object, b: object, c: object) -> object:  # pragma: no cover
    """Typing and code generation of :func:`fma` (numba's ``@intrinsic`` protocol)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: object, builder: Any, signature: object, args: Any) -> Any:
        return builder.fma(*args)

    return sig, codegen


fma = cast(Callable[[float, float, float], float], intrinsic(_fma_intrinsic))
"""``a * b + c`` rounded once (LLVM's ``llvm.fma``: IEEE 754-2008 fusedMultiplyAdd); compiled code
only. Optimised BLAS kernels sum a dot product as the chain ``fma(x2, y2, fma(x1, y1, x0 y0))``:
a kernel that writes that chain gives the floats of NumPy's ``@`` on small matrices."""


# Scalar forms of NumPy's elementwise operations for kernels that must give NumPy's floats.


@njit
def np_maximum(x: float, y: float) -> float:
    """``numpy.maximum`` of two floats (a NaN wins)."""
    if x != x:
        return x
    if y != y:
        return y
    return x if x >= y else y


@njit
def np_minimum(x: float, y: float) -> float:
    """``numpy.minimum`` of two floats (a NaN wins)."""
    if x != x:
        return x
    if y != y:
        return y
    return x if x <= y else y


@njit
def np_clip(x: float, lo: float, hi: float) -> float:
    """``numpy.clip`` of a float to ``[lo, hi]``: ``minimum(maximum(x, lo), hi)`` (a NaN wins)."""
    return np_minimum(np_maximum(x, lo), hi)


@njit
def np_divide(x: float, y: float) -> float:
    """``x / y`` as NumPy divides: a zero divisor gives ±inf or NaN instead of raising (a compiled
    kernel's division raises ZeroDivisionError, as Python's)."""
    if y == 0.0:
        return x * math.copysign(math.inf, y) if x != 0.0 else math.nan
    return x / y
