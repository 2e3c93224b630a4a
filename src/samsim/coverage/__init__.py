"""Coverage analysis: detection and engagement footprints, range-altitude profiles, site comparison.

``coverage(scenario, alt_m=..., rcs_m2=...)`` computes (:mod:`samsim.coverage.compute`);
``write_coverage(result, out)`` writes maps, profiles and GeoJSON (:mod:`samsim.coverage.files`).
"""

from __future__ import annotations

from samsim.coverage.compute import (
    DEFAULT_ALT_M,
    CompareRow,
    CoverageResult,
    Footprint,
    PolarGrid,
    Profile,
    RadarCoverage,
    Site,
    alt_label,
    coverage,
)
from samsim.coverage.files import compare_csv, geojson, geojson_text, write_coverage

__all__ = [
    "DEFAULT_ALT_M",
    "CompareRow",
    "CoverageResult",
    "Footprint",
    "PolarGrid",
    "Profile",
    "RadarCoverage",
    "Site",
    "alt_label",
    "compare_csv",
    "coverage",
    "geojson",
    "geojson_text",
    "write_coverage",
]
