"""Details of one number, written for many events at once, are the text Python's own formatting
gives (the detail of ``detect`` events, ``range_km=56.1``)."""

from __future__ import annotations

import numpy as np
import pytest

from samsim.output.details import RANGE_KM, DetailError, NumberDetail


def _split(utf8: np.ndarray, lengths: np.ndarray) -> list[str]:
    data, ends = utf8.tobytes(), np.cumsum(lengths)
    return [
        data[end - size : end].decode() for end, size in zip(ends.tolist(), lengths.tolist(), strict=True)
    ]


# Halves that are exact in binary (round half to even), decimal halves that are not (0.15 is
# 0.1499999999999999944...), signed zeros and small negatives ("-0.0"), powers of ten at every digit
# count, the largest numbers with exact integer digits and beyond, and what is not finite.
EDGES = [0.0, -0.0, -0.04, 0.05, 0.15, 0.25, 0.35, 2.5, 9.95, 99.95, 999.95, 123456789.95, -7.25]
EDGES += [10.0**k for k in range(17)] + [10.0**k - 0.05 for k in range(1, 12)]
EDGES += [2.0**52 / 10, 2.0**53, 1e20, -1e300, 5e-324, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("decimals", [0, 1, 2, 3, 5])
def test_format_many_is_pythons_format(decimals: int) -> None:
    rng = np.random.default_rng(decimals)
    values = np.concatenate(
        [
            EDGES,
            rng.uniform(0.0, 1000.0, 40_000),  # ranges in km (more than one chunk of work)
            rng.uniform(-5.0, 5.0, 2_000),
            np.round(rng.uniform(-1000.0, 1000.0, 5_000), decimals + 1),  # on and near the halves
            np.arange(0.0, 20.0, 0.005),
        ]
    )
    detail = NumberDetail("x_m", decimals)
    utf8, lengths = detail.format_many(values)
    assert utf8.dtype == np.uint8 and lengths.sum() == utf8.size
    assert _split(utf8, lengths) == [f"x_m={v:.{decimals}f}" for v in values.tolist()]


def test_range_km_detail_and_empty_batch() -> None:
    assert RANGE_KM.format(56.14) == "range_km=56.1"
    assert RANGE_KM.parse("range_km=56.1") == pytest.approx(56.1)
    with pytest.raises(DetailError):
        RANGE_KM.parse("speed=3")
    utf8, lengths = RANGE_KM.format_many(np.zeros(0))
    assert utf8.size == 0 and lengths.size == 0
