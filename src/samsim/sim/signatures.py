"""The cross section each radar sees: a threat's RCS table read at the live aspect, in the radar's band.

The engine's link between the trajectory tables (where a threat is and where it is heading at a scan)
and :mod:`samsim.models.signature` (aspect in the body frame, band, dB interpolation). A threat without
a table, or whose scenario fixed its ``rcs_m2``, keeps that one value from every angle in every band.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from samsim.arrays import FloatArray, IntArray
from samsim.catalog.signatures import RcsTable
from samsim.models import signature
from samsim.sim.world import Threats, velocities_ecef


class BodyAngles(NamedTuple):
    """Where the sensor is seen from, in each target's body frame (see models.signature.body_angles_deg)."""

    aspect_deg: FloatArray
    elevation_deg: FloatArray


def body_angles(
    threats: Threats, index: IntArray, time_s: FloatArray, ecef_m: FloatArray, sensor_ecef_m: FloatArray
) -> BodyAngles:
    """Aspect and elevation of a sensor at ``sensor_ecef_m`` from threats ``index`` at ``time_s`` and
    positions ``ecef_m``, the attitude from the trajectory's velocity."""
    vel = velocities_ecef(threats, index, time_s)
    return BodyAngles(*signature.body_angles_deg(vel, ecef_m, sensor_ecef_m))


def table_rcs_m2(table: RcsTable, band: str, aspect_deg: FloatArray, elevation_deg: FloatArray) -> FloatArray:
    """``table`` read for a radar of ``band`` (the nearest band the table gives) at the given angles."""
    aspect_grid, rows, elevation_grid = _grids(table, band)
    if elevation_grid is None:
        return signature.table_rcs_m2(aspect_grid, rows[0], aspect_deg)
    return signature.table_rcs_m2(aspect_grid, rows, aspect_deg, elevation_grid, elevation_deg)


_GRIDS: dict[tuple[int, str], tuple[RcsTable, FloatArray, FloatArray, FloatArray | None]] = {}


def _grids(table: RcsTable, band: str) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """``table``'s aspect grid, rows for ``band`` and elevation grid as arrays, converted once per
    table and band (every window of scans reads the same few tables). Keyed by the table's identity,
    which the entry holds, so that a key is never reused by another table."""
    key = (id(table), band)
    got = _GRIDS.get(key)
    if got is None or got[0] is not table:
        if len(_GRIDS) > 256:  # tables of runs long gone
            _GRIDS.clear()
        rows = np.asarray(table.rows(signature.nearest_band(table.band_names, band)), dtype=np.float64)
        elevation = None if table.elevation_deg is None else np.asarray(table.elevation_deg)
        got = _GRIDS[key] = (table, np.asarray(table.aspect_deg), rows, elevation)
    return got[1], got[2], got[3]


class _Numbering(NamedTuple):
    """Threats numbered by their RCS table among the distinct tables of a run (0: none)."""

    tables: tuple[RcsTable | None, ...]  # the threats' tables, held so that their identity is the key
    number: IntArray  # per threat
    distinct: list[RcsTable]  # table k is distinct[k - 1]


_NUMBERINGS: dict[int, _Numbering] = {}


def _numbering(threats: Threats) -> _Numbering:
    """:class:`_Numbering` of ``threats``, built once per run's threats (not per window of scans: a
    Python pass over every threat would cost more than the window's arithmetic)."""
    tables = threats.rcs_tables
    got = _NUMBERINGS.get(id(tables))
    if got is None or got.tables is not tables:
        if len(_NUMBERINGS) > 16:  # runs long gone
            _NUMBERINGS.clear()
        distinct: dict[int, int] = {}
        by_number: list[RcsTable] = []
        number = np.zeros(len(tables), dtype=np.int64)
        for i, table in enumerate(tables):
            if table is None:
                continue
            if id(table) not in distinct:  # threats of a type share one table object
                by_number.append(table)
                distinct[id(table)] = len(by_number)
            number[i] = distinct[id(table)]
        got = _NUMBERINGS[id(tables)] = _Numbering(tables, number, by_number)
    return got


def live_rcs_m2(
    threats: Threats,
    index: IntArray,
    time_s: FloatArray,
    ecef_m: FloatArray,
    sensor_ecef_m: FloatArray,
    frequency_ghz: float,
) -> FloatArray:
    """The cross section a radar at ``sensor_ecef_m`` on ``frequency_ghz`` sees of threats ``index``
    at ``time_s`` (positions ``ecef_m``): the table for the radar's band at the live aspect, or the
    threat's fixed ``rcs_m2``."""
    rcs = np.array(threats.rcs_m2[index], dtype=np.float64)
    numbering = _numbering(threats)
    if not numbering.distinct:
        return rcs
    # One attitude evaluation for every row with a table, then one table read per distinct table in
    # view (threats of a type share theirs): per-threat calls would cost more than the arithmetic.
    table_of = numbering.number[index]
    rows = np.flatnonzero(table_of)
    if rows.size == 0:
        return rcs
    band = signature.band_of_frequency(frequency_ghz)
    every = rows.size == index.size  # every row has a table (a raid of table-carrying threats)
    keys = table_of if every else table_of[rows]
    in_view = np.flatnonzero(np.bincount(keys)).tolist()
    if every:  # the rows themselves, not copies of them
        idx, t, pos = index, np.asarray(time_s), ecef_m
    else:
        idx, t, pos = index[rows], np.asarray(time_s)[rows], ecef_m[rows]
    if any(numbering.distinct[key - 1].elevation_deg is not None for key in in_view):
        aspect, elevation = body_angles(threats, idx, t, pos, sensor_ecef_m)
    else:  # tables over aspect alone: no elevation to work out
        aspect = signature.body_aspect_deg(velocities_ecef(threats, idx, t), pos, sensor_ecef_m)
        elevation = np.zeros(aspect.shape)
    if every and len(in_view) == 1:  # one table for every row: read at every row, no selection
        return np.asarray(
            table_rcs_m2(numbering.distinct[in_view[0] - 1], band, aspect, elevation), np.float64
        )
    for key in in_view:
        sel = keys == key
        rcs[rows[sel]] = table_rcs_m2(numbering.distinct[key - 1], band, aspect[sel], elevation[sel])
    return rcs


ASPECT_WORDS = {"nose": 0.0, "beam": 90.0, "tail": 180.0}
"""Named aspects (degrees from the nose)."""


def aspect_rcs_m2(table: RcsTable, band: str, aspect: float | str) -> float:
    """The cross section a radar of ``band`` sees at one aspect (degrees, or ``nose``/``beam``/``tail``;
    at elevation 0 when the table has elevations), or over every aspect and elevation of the table:
    ``worst`` the smallest (the footprint that holds from every angle), ``best`` the largest. Linear
    interpolation in dB puts the extremes on the table's nodes, so they are read there."""
    if aspect in ("worst", "best"):
        rows = np.asarray(table.rows(signature.nearest_band(table.band_names, band)), dtype=np.float64)
        return float(rows.min() if aspect == "worst" else rows.max())
    deg = ASPECT_WORDS[aspect] if isinstance(aspect, str) else float(aspect)
    return float(table_rcs_m2(table, band, np.array([deg]), np.array([0.0]))[0])
