"""One compilation decorator for every compiled kernel (the poliastro ``core/_jit`` pattern).

Kernels stay plain Python functions on floats and arrays; this wrapper compiles them with numba
and keeps their signatures visible to mypy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def njit(fn: F) -> F:
    """Compile ``fn`` in nopython mode with an on-disk cache."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


def njit_inline(fn: F) -> F:
    """Compile ``fn`` for inlining into the compiled kernels that call it (numba's IR-level
    ``inline="always"``): the caller's constant arguments, such as a fixed state dimension, then
    reach its loops, which the compiler unrolls."""
    return cast(F, numba.njit(cache=True, nogil=True, inline="always")(fn))
