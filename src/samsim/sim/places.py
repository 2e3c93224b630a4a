"""Scenario positions as WGS-84 points: the one conversion every part of the compiler uses."""

from __future__ import annotations

import numpy as np

from samsim.geodesy import LocalFrame
from samsim.models.motion import GroundHeight
from samsim.scenario import Position


def geodetic_of(pos: Position, frame: LocalFrame, ground: GroundHeight) -> tuple[float, float, float]:
    """(lat, lon, alt MSL) of a scenario position; a missing altitude means on the ground.

    Local positions are ENU metres from ``frame``; ``ground`` gives the terrain height where the
    scenario leaves the altitude out.
    """
    if pos.is_local:
        assert pos.east_m is not None and pos.north_m is not None
        up = pos.up_m
        lat, lon, alt = frame.enu_to_geodetic([pos.east_m, pos.north_m, 0.0 if up is None else up])
        lat_f, lon_f = float(lat), float(lon)
        if up is None:
            return lat_f, lon_f, float(ground(np.array([lat_f]), np.array([lon_f]))[0])
        return lat_f, lon_f, float(alt)
    assert pos.lat_deg is not None and pos.lon_deg is not None
    if pos.alt_m is None:
        g = ground(np.array([pos.lat_deg]), np.array([pos.lon_deg]))
        return pos.lat_deg, pos.lon_deg, float(g[0])
    return pos.lat_deg, pos.lon_deg, pos.alt_m
