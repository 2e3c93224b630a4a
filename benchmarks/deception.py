"""False-track and track-seduction rates of deception jamming against an S-400 battalion, with and
without the radars' ECCM.

    .venv/bin/python benchmarks/deception.py [--runs 10]

One F-16C with a repeater jammer (J/S 10 dB, range-gate pull-off at 100 m/s², 4 DRFM false targets
2 km apart) flies at 8 km from 170 km to the battalion, weapons free, for each ECCM case (catalog
figures changed through the scenario's ``catalog:``). Per case, over ``--runs`` seeds: the share of
the jammer's detections measured at a pulled-off range (seduced looks), DRFM false-target
measurements per minute, false tracks confirmed per run, interceptors fired at false tracks per run,
and how often the jammer was killed.
"""

from __future__ import annotations

import argparse

import numpy as np

from samsim.scenario import loads
from samsim.sim.engine import Engine
from samsim.sim.world import compile_world

SCENARIO = """\
samsim: 1
name: deception-bench
duration_s: 400
environment: {{ground_alt_m: 0}}
{catalog}
assets:
  - {{id: base, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}, radius_m: 3000}}
batteries:
  - {{id: b1, system: S-400, position: {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 0}}}}
threats:
  - id: striker
    type: F-16C
    target: base
    deception: {{js_db: 10, drfm: {drfm}, rgpo_mps2: 100, false_targets: 4}}
    route:
      - {{lat_deg: 40.0, lon_deg: 31.0, alt_m: 8000, speed_mps: 250}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}}
"""

NO_ECCM = "{leading_edge_tracking: false, frequency_agility: false, pulse_compression_db: 1.0}"
CASES = {
    "DRFM vs no ECCM": (
        True,
        "catalog:\n  radars:\n" + "".join(f"    {r}: {NO_ECCM}\n" for r in ("91N6E", "92N6E", "96L6E")),
    ),
    "DRFM vs catalog ECCM": (True, ""),
    "repeater vs catalog ECCM": (False, ""),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    print(
        f"{'case':<26} {'seduced looks':>13} {'false meas/min':>14} {'false tracks':>12} "
        f"{'shots at false':>14} {'jammer killed':>13}"
    )
    for name, (drfm, catalog) in CASES.items():
        world = compile_world(loads(SCENARIO.format(drfm=str(drfm).lower(), catalog=catalog)))
        seduced = looks = false_meas = 0
        false_tracks, wasted, killed = [], [], 0
        for seed in range(args.runs):
            engine = Engine(world, seed=seed, trajectories=False)
            result = engine.run()
            seduced += sum(c.seduced for c in engine.deception_counts)
            looks += sum(c.detections for c in engine.deception_counts)
            false_meas += sum(c.false_targets for c in engine.deception_counts)
            ev = result.events.to_pylist()
            false_tracks.append(
                sum(1 for e in ev if e["kind"] == "track_confirm" and e["detail"] == "false track")
            )
            wasted.append(sum(1 for i in result.interceptors if i.target != "striker"))
            killed += result.threats[0].fate == "killed"
        minutes = args.runs * world.duration_s / 60.0
        print(
            f"{name:<26} {seduced / max(looks, 1):>13.0%} {false_meas / minutes:>14.1f} "
            f"{np.mean(false_tracks):>12.1f} {np.mean(wasted):>14.1f} {killed / args.runs:>13.0%}"
        )
    print(f"\n.venv/bin/python benchmarks/deception.py --runs {args.runs}")


if __name__ == "__main__":
    main()
