"""A threat's radar cross-section table over aspect and band, as the catalog and scenarios write it.

``rcs_table: {aspect_deg: [...], bands: {VHF: [...], X: [...]}, elevation_deg: [...]?}``: m², one value
per aspect (0 = nose-on, 180 = tail-on; the left side mirrors the right), per IEEE letter band; with
``elevation_deg``, each band holds one row of aspects per elevation. The physics that reads it is
:mod:`samsim.models.signature`; this module only checks and holds the figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from samsim.constants import RADAR_BANDS_GHZ

BAND_NAMES: tuple[str, ...] = tuple(name for name, _, _ in RADAR_BANDS_GHZ)
"""The band names a table may use (IEEE Std 521-2019)."""

TABLE_FIELDS = ("aspect_deg", "bands", "elevation_deg")

Row = tuple[float, ...]


@dataclass(frozen=True)
class RcsTable:
    """An RCS table: per band, one row of aspects per elevation (one row when it has no elevations)."""

    aspect_deg: Row
    bands: tuple[tuple[str, tuple[Row, ...]], ...]
    elevation_deg: Row | None = None

    @property
    def band_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.bands)

    def rows(self, band: str) -> tuple[Row, ...]:
        """The band's values: (n_elevation, n_aspect), or (1, n_aspect) without elevations."""
        return dict(self.bands)[band]

    def as_value(self) -> dict[str, Any]:
        """The table as the catalog writes it (``rcs_table(table.as_value()) == table``)."""
        if self.elevation_deg is None:
            return {"aspect_deg": list(self.aspect_deg), "bands": {b: list(r[0]) for b, r in self.bands}}
        return {
            "aspect_deg": list(self.aspect_deg),
            "bands": {b: [list(row) for row in r] for b, r in self.bands},
            "elevation_deg": list(self.elevation_deg),
        }


def rcs_table(value: Mapping[str, Any]) -> RcsTable:
    """The table of a checked ``rcs_table`` value (see :func:`rcs_table_problems`)."""
    elevation = value.get("elevation_deg")
    bands: list[tuple[str, tuple[Row, ...]]] = []
    for name, rows in value["bands"].items():
        rows_t = (
            tuple(tuple(float(x) for x in r) for r in rows)
            if elevation is not None
            else (tuple(map(float, rows)),)
        )
        bands.append((str(name), rows_t))
    return RcsTable(
        aspect_deg=tuple(float(a) for a in value["aspect_deg"]),
        bands=tuple(bands),
        elevation_deg=None if elevation is None else tuple(float(e) for e in elevation),
    )


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _grid(name: str, grid: Any, lo: float, hi: float) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not isinstance(grid, list) or not grid:
        yield (name,), "must be a list of at least one angle, degrees"
        return
    for i, x in enumerate(grid):
        if not _is_number(x) or not lo <= x <= hi:
            yield (name, i), f"must be a number between {lo:g} and {hi:g} (degrees)"
            return
    if any(b <= a for a, b in zip(grid, grid[1:], strict=False)):
        yield (name,), "must increase strictly"


def _row(path: tuple[str | int, ...], row: Any, n: int) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not isinstance(row, list) or len(row) != n:
        yield path, f"must be a list of {n} cross sections (m², one per aspect_deg)"
        return
    for i, x in enumerate(row):
        if not _is_number(x) or x <= 0:
            yield (*path, i), "must be a cross section > 0 (m²)"


def rcs_table_problems(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """What is wrong with an ``rcs_table`` value, each with its path inside the value."""
    if not isinstance(value, Mapping):
        yield (), "must be a mapping {aspect_deg, bands, elevation_deg?}"
        return
    for key in value:
        if key not in TABLE_FIELDS:
            yield (str(key),), f"unknown field {str(key)!r}; known: {', '.join(TABLE_FIELDS)}"
    for key in ("aspect_deg", "bands"):
        if key not in value:
            yield (key,), "required field is missing"
    if "aspect_deg" not in value or "bands" not in value:
        return
    grid_problems = list(_grid("aspect_deg", value["aspect_deg"], 0.0, 180.0))
    elevation = value.get("elevation_deg")
    if elevation is not None:
        grid_problems += list(_grid("elevation_deg", elevation, -90.0, 90.0))
    yield from grid_problems
    if grid_problems:
        return
    bands = value["bands"]
    if not isinstance(bands, Mapping) or not bands:
        yield ("bands",), f"must map band names ({', '.join(BAND_NAMES)}) to cross sections"
        return
    n = len(value["aspect_deg"])
    for name, rows in bands.items():
        path: tuple[str | int, ...] = ("bands", str(name))
        if name not in BAND_NAMES:
            yield path, f"unknown band {str(name)!r}; known: {', '.join(BAND_NAMES)}"
        elif elevation is None:
            yield from _row(path, rows, n)
        elif not isinstance(rows, list) or len(rows) != len(elevation):
            yield path, f"must be a list of {len(elevation)} rows (one per elevation_deg)"
        else:
            for j, row in enumerate(rows):
                yield from _row((*path, j), row, n)
