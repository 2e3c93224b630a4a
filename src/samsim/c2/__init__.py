"""Command and control kernels: threat evaluation, intercept geometry, weapon–target assignment."""

from samsim.c2.wta import (
    AUTO_EXACT_MAX_CELLS,
    check_assignment,
    expected_surviving_value,
    solve_wta,
    wta_lower_bound,
)

__all__ = [
    "AUTO_EXACT_MAX_CELLS",
    "check_assignment",
    "expected_surviving_value",
    "solve_wta",
    "wta_lower_bound",
]
