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
    rows = np.asarray(table.rows(signature.nearest_band(table.band_names, band)), dtype=np.float64)
    if table.elevation_deg is None:
        return signature.table_rcs_m2(np.asarray(table.aspect_deg), rows[0], aspect_deg)
    return signature.table_rcs_m2(
        np.asarray(table.aspect_deg), rows, aspect_deg, np.asarray(table.elevation_deg), elevation_deg
    )


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
    if not any(t is not None for t in threats.rcs_tables):
        return rcs
    band = signature.band_of_frequency(frequency_ghz)
    # One attitude evaluation for every row with a table, then one table read per distinct table
    # (threats of a type share theirs): per-threat calls would cost more than the arithmetic.
    # Threats are numbered by their table among the distinct tables of the threats in view (0: none),
    # looked up per threat and spread to the looks by index, not per look in Python.
    tables = threats.rcs_tables
    uniq, inverse = np.unique(index, return_inverse=True)
    distinct: dict[int, int] = {}
    by_number: list[RcsTable] = []
    number = []
    for i in uniq.tolist():
        table = tables[i]
        if table is not None and id(table) not in distinct:
            by_number.append(table)
            distinct[id(table)] = len(by_number)
        number.append(0 if table is None else distinct[id(table)])
    if not by_number:
        return rcs
    table_of = np.array(number, dtype=np.int64)[inverse.reshape(-1)]
    rows = np.flatnonzero(table_of != 0)
    angles = body_angles(threats, index[rows], np.asarray(time_s)[rows], ecef_m[rows], sensor_ecef_m)
    for key, table in enumerate(by_number, start=1):
        sel = table_of[rows] == key
        rcs[rows[sel]] = table_rcs_m2(table, band, angles.aspect_deg[sel], angles.elevation_deg[sel])
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
