"""The independent lower bound of benchmarks/wta.py (an outer approximation solved by HiGHS, no samsim
code): never above the optimum, and equal to it when given time, against enumeration."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from tests.c2.test_wta import Instance, ahuja, brute_force, public_like
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from wta import oa_lower_bound  # noqa: E402

CASES = [
    ("ahuja", 3, 3, 1, 11),
    ("ahuja", 4, 5, 1, 12),
    ("ahuja", 3, 4, 2, 13),
    ("public", 4, 4, 1, 14),
    ("public", 3, 4, 2, 15),
    ("public", 2, 3, 3, 16),
    ("weak", 3, 4, 3, 17),  # p in 0.05..0.3: teams of several units, survival spread widely
]


@pytest.mark.parametrize(("kind", "m", "n", "stock", "seed"), CASES)
def test_bound_reaches_the_enumerated_optimum(kind: str, m: int, n: int, stock: int, seed: int) -> None:
    if kind == "ahuja":
        inst = ahuja(np.random.default_rng(seed), m, n, stock)
    else:
        inst = public_like(seed, m, n, stock, *((0.05, 0.3) if kind == "weak" else (0.0, 1.0)))
    best = brute_force(inst)
    lower, found, _ = oa_lower_bound(inst.value, inst.pk, inst.stock, time_limit_s=30.0)
    assert lower <= best * (1.0 + 1e-9)
    assert lower == pytest.approx(best, rel=2e-6)
    assert found == pytest.approx(best, rel=1e-12)


def test_tangent_rounds_close_a_coarse_grid() -> None:
    # the optimum's survival, 0.1**7 at each target, lies below the first grid's e**-14: round 1
    # under-estimates it badly and only the tangents added at its solution close the gap
    value = np.array([8e9, 2e9])
    pk = np.full((2, 2), 0.9)
    stock = np.array([7, 7])
    exact = 8e9 * 0.1**7 + 2e9 * 0.1**7  # 7 shots at each target (8 and 6: 2080)
    assert brute_force(Instance(value, pk, stock)) == pytest.approx(exact, rel=1e-12)
    lower, found, rounds = oa_lower_bound(value, pk, stock, time_limit_s=30.0)
    assert rounds > 1
    assert found == pytest.approx(exact, rel=1e-12)
    assert exact * (1.0 - 2e-6) <= lower <= exact * (1.0 + 1e-9)
