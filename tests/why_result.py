"""A constructed run for the "why not engaged", stock and strobe displays: every unengaged reason, two
batteries with launches, a magazine running empty, a reload, decoys drawing interceptors, a radar
destroyed and jam strobes, written by hand so every number the displays show is known.

North battery, 48N6E3: 2 on the launchers and 4 in reserve at t = 0; launches at 10 and 12 s empty
the launchers (``magazine_empty`` at 12 s); a reload of 4 at 100 s; launches at 150, 150 and 160 s.
Rounds left (loaded + reserve) 6, 5, 4, 4, 2, 1 from t = 0, 10, 12, 100, 150, 160 s; on the launchers
2, 1, 0, 4, 2, 1. 9M96E2: 4 loaded, none fired. South battery, 48N6E3: 1 loaded, fired at 20 s, out.
"""

from __future__ import annotations

import numpy as np

from samsim.output.details import format_jam_strobe, format_magazine_empty, format_reload
from samsim.output.result import (
    BatteryOutcome,
    EventLog,
    InterceptorOutcome,
    RadarOutcome,
    Result,
    ThreatOutcome,
    TrajectoryLog,
)

# (id, type, kind, shots, fate, reason)
THREATS = [
    ("f16-1", "F-16C", "aircraft", 3, "killed", None),
    ("mald-1", "ADM-160B", "decoy", 2, "killed", None),
    ("mald-2", "ADM-160B", "decoy", 1, "survived", None),
    ("shahed-1", "Shahed-136", "drone", 0, "leaked", "weapons_hold"),
    ("kh101-1", "Kh-101", "cruise", 0, "leaked", "no_track"),
    ("iskander-1", "Iskander-M", "ballistic", 0, "leaked", "out_of_envelope"),
    ("shahed-2", "Shahed-136", "drone", 0, "leaked", "magazine_empty"),
    ("shahed-3", "Shahed-136", "drone", 0, "leaked", "magazine_empty"),
    ("kh101-2", "Kh-101", "cruise", 0, "leaked", "no_fire_channel"),
    ("shahed-4", "Shahed-136", "drone", 0, "survived", "lower_priority"),
    ("f16-2", "F-16C", "aircraft", 0, "survived", "not_threatening"),
]
REASON_COUNTS = {
    "weapons_hold": {"Shahed-136": 1},
    "no_track": {"Kh-101": 1},
    "out_of_envelope": {"Iskander-M": 1},
    "magazine_empty": {"Shahed-136": 2},
    "no_fire_channel": {"Kh-101": 1},
    "lower_priority": {"Shahed-136": 1},
    "not_threatening": {"F-16C": 1},
}
# (interceptor, target, launch_s, result)
LAUNCHES = [
    ("north/48N6E3/1", "f16-1", 10.0, "miss"),
    ("north/48N6E3/2", "f16-1", 12.0, "kill"),
    ("south/48N6E3/1", "mald-2", 20.0, "miss"),
    ("north/48N6E3/3", "mald-1", 150.0, "miss"),
    ("north/48N6E3/4", "mald-1", 150.0, "kill"),
    ("north/48N6E3/5", "f16-1", 160.0, "self-destruct"),
]
STOCK = {  # (battery, type) -> (time_s, rounds left, on launchers, magazine_empty times, out_s)
    ("north", "48N6E3"): (
        [0.0, 10.0, 12.0, 100.0, 150.0, 160.0],
        [6, 5, 4, 4, 2, 1],
        [2, 1, 0, 4, 2, 1],
        [12.0],
        None,
    ),
    ("north", "9M96E2"): ([0.0], [4], [4], [], None),
    ("south", "48N6E3"): ([0.0, 20.0], [1, 0], [1, 0], [20.0], 20.0),
}
# The north battery's 92N6E sees the jammer f16-2 at 200 and 201 s; it is destroyed at 300 s.
STROBES = [
    (200.0, "north", "92N6E", "f16-2", 90.0, 2.0, 17.3),
    (201.0, "north", "92N6E", "f16-2", 91.0, 2.1, 17.5),
]
RADAR_DESTROYED_S = 300.0

SCENE = {
    "origin": {"lat_deg": 39.93, "lon_deg": 32.86, "alt_m": 900.0},
    "refraction_k": 4 / 3,
    "duration_s": 600.0,
    "assets": [
        {"id": "city", "lat_deg": 39.93, "lon_deg": 32.86, "alt_m": 900.0, "radius_m": 3000.0, "value": 1.0}
    ],
    "batteries": [
        {
            "id": bid,
            "system": "S-400",
            "lat_deg": lat,
            "lon_deg": 32.7,
            "alt_m": 950.0,
            "radars": [
                {
                    "id": "92N6E",
                    "type": "92N6E",
                    "role": "engagement",
                    "lat_deg": lat,
                    "lon_deg": 32.7,
                    "alt_m": 975.0,
                    "antenna_height_m": 25.0,
                    "max_range_m": 400_000.0,
                    "ref_range_m": 200_000.0,
                    "ref_rcs_m2": 1.0,
                    "ref_pd": 0.5,
                    "min_elevation_deg": 0.0,
                    "max_elevation_deg": 75.0,
                }
            ],
            "launchers": 2,
            "loaded": loaded,
            "weapons": "free",
        }
        for bid, lat, loaded in (("north", 40.2, {"48N6E3": 2, "9M96E2": 4}), ("south", 39.7, {"48N6E3": 1}))
    ],
    "threats": [{"id": t[0], "type": t[1], "group": t[0], "kind": t[2], "target": "city"} for t in THREATS],
}


def why_result() -> Result:
    """The constructed run (no trajectories but the threats' straight lines, for the replay)."""
    log = EventLog()
    for iid, target, t, _ in LAUNCHES:
        battery = iid.split("/")[0]
        log.add(t, "launch", battery=battery, threat=target, interceptor=iid, detail="planned pk=0.8")
        if iid == "north/48N6E3/2":
            log.add(t, "magazine_empty", battery="north", detail=format_magazine_empty("48N6E3"))
        if iid == "south/48N6E3/1":
            log.add(t, "magazine_empty", battery="south", detail=format_magazine_empty("48N6E3"))
    log.add(100.0, "reload", battery="north", detail=format_reload("48N6E3", 4, 0))
    for t, bid, radar, threat, az, el, jnr in STROBES:
        log.add(
            t, "jam_strobe", battery=bid, radar=radar, threat=threat, detail=format_jam_strobe(az, el, jnr)
        )
    log.add(RADAR_DESTROYED_S, "radar_destroyed", battery="north", radar="92N6E")
    threats = [
        ThreatOutcome(
            id=tid,
            type=ttype,
            kind=kind,
            shots=shots,
            fate=fate,  # type: ignore[arg-type]
            fate_s=None if fate == "survived" else 400.0,
            killed_by={"f16-1": "north/48N6E3/2", "mald-1": "north/48N6E3/4"}.get(tid),
            unengaged_reason=reason,  # type: ignore[arg-type]
            unengaged_reason_s=None if reason is None else 350.0,
            first_strobe_s=200.0 if tid == "f16-2" else None,
        )
        for tid, ttype, kind, shots, fate, reason in THREATS
    ]
    interceptors = [
        InterceptorOutcome(
            id=iid,
            type="48N6E3",
            battery=iid.split("/")[0],
            target=target,
            launch_s=t,
            end_s=t + 30.0,
            result=res,  # type: ignore[arg-type]
            miss_distance_m=None if res == "self-destruct" else 5.0,
        )
        for iid, target, t, res in LAUNCHES
    ]
    batteries = [
        BatteryOutcome(
            id="north",
            radars=[RadarOutcome(id="92N6E", type="92N6E", destroyed_s=RADAR_DESTROYED_S)],
            fired={"48N6E3": 5, "9M96E2": 0},
            left={"48N6E3": 1, "9M96E2": 4},
        ),
        BatteryOutcome(
            id="south",
            radars=[RadarOutcome(id="92N6E", type="92N6E")],
            fired={"48N6E3": 1},
            left={"48N6E3": 0},
        ),
    ]
    traj = TrajectoryLog()
    for k, (tid, *_rest) in enumerate(THREATS):
        t = np.array([0.0, 400.0])
        lat = np.array([39.0 + 0.05 * k, 39.93])
        lon = np.array([31.5, 32.86])
        alt = np.array([3000.0, 1000.0])
        enu = np.array([[-110_000.0, -100_000.0 + 5_000.0 * k, 2100.0], [0.0, 0.0, 100.0]])
        traj.add(
            time_s=t,
            entity=tid,
            kind="threat",
            battery=None,
            enu_m=enu,
            lat_deg=lat,
            lon_deg=lon,
            alt_m=alt,
            speed_mps=np.array([300.0, 300.0]),
        )
    return Result(
        scenario="why",
        seed=1,
        duration_s=600.0,
        threats=threats,
        interceptors=interceptors,
        events=log.table(),
        trajectories=traj.table(),
        scene=SCENE,
        batteries=batteries,
    )
