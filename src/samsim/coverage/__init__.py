"""Coverage analysis: detection and engagement footprints, range-altitude profiles, site comparison.

``coverage(scenario, alt_m=..., rcs_m2=...)`` computes (:mod:`samsim.coverage.compute`);
``write_coverage(result, out)`` writes maps, profiles and GeoJSON (:mod:`samsim.coverage.files`).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from samsim.coverage.compute import (
    ASPECTS,
    DEFAULT_ALT_M,
    CompareRow,
    CoverageResult,
    Footprint,
    PolarGrid,
    Profile,
    RadarCoverage,
    Site,
    alt_label,
    aspect_problem,
    coverage,
    target_rcs_m2,
)
from samsim.coverage.files import compare_csv, geojson, geojson_text, write_coverage

__all__ = [
    "ASPECTS",
    "DEFAULT_ALT_M",
    "CompareRow",
    "CoverageResult",
    "Footprint",
    "PolarGrid",
    "Profile",
    "RadarCoverage",
    "Site",
    "alt_label",
    "aspect_problem",
    "compare_csv",
    "coverage",
    "geojson",
    "geojson_text",
    "target_rcs_m2",
    "write_coverage",
]


class _CoverageModule(types.ModuleType):
    """``samsim.coverage(scenario, ...)`` is the coverage function, while ``samsim.coverage`` is also
    this package: calling the package calls :func:`coverage`."""

    def __call__(self, *args: Any, **kwargs: Any) -> CoverageResult:
        return coverage(*args, **kwargs)


sys.modules[__name__].__class__ = _CoverageModule
