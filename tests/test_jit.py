"""The compiled helpers of :mod:`samsim.jit`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from samsim.jit import fma, njit


@njit
def _fma_all(a: np.ndarray, b: np.ndarray, c: np.ndarray, out: np.ndarray) -> None:
    for i in range(a.size):
        out[i] = fma(a[i], b[i], c[i])


def test_fma_rounds_the_exact_product_and_sum_once() -> None:
    """``fma(a, b, c)`` is ``a b + c`` computed exactly and rounded once (IEEE 754 fusedMultiplyAdd),
    including where the separately rounded product loses the answer."""
    rng = np.random.default_rng(5)
    a = rng.normal(size=400) * 10.0 ** rng.integers(-8, 9, 400)
    b = rng.normal(size=400) * 10.0 ** rng.integers(-8, 9, 400)
    c = -a * b + rng.normal(size=400) * 1e-9  # cancellation: a * b rounded first is wrong here
    out = np.empty(400)
    _fma_all(a, b, c, out)
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c, strict=True)]
    assert np.array_equal(out, np.array(exact))
    assert not np.array_equal(out, a * b + c)  # the test does tell one rounding from two
