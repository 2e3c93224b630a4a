"""False-track and track-seduction rates of deception jamming against an S-400 battalion, with and
without the radars' ECCM.

    .venv/bin/python benchmarks/deception.py [--runs 10]

One F-16C with a repeater jammer (J/S 10 dB, range-gate pull-off at 100 m/s², 4 DRFM false targets
2 km apart; in the last case also a velocity-gate pull-off at 50 m/s²) flies at 8 km from 170 km to
the battalion, weapons free, for each ECCM case (catalog figures changed through the scenario's
``catalog:``). Per case, over ``--runs`` seeds, from summary.json's ``deception`` figures: the share of
the jammer's looks measured at a pulled-off range (seduced looks), DRFM false-target measurements per
minute, false tracks its false targets made per run, the share of firm tracks on it that were
seduced, interceptors fired at false tracks per run, and how often the jammer was killed.
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
    deception: {{js_db: 10, drfm: {drfm}, rgpo_mps2: 100, false_targets: 4{vgpo}}}
    route:
      - {{lat_deg: 40.0, lon_deg: 31.0, alt_m: 8000, speed_mps: 250}}
      - {{lat_deg: 40.0, lon_deg: 33.0, alt_m: 8000}}
"""

NO_ECCM = "{leading_edge_tracking: false, frequency_agility: false, pulse_compression_db: 1.0}"
NO_CHECK = "{range_rate_check: false}"
VGPO = ", vgpo_mps2: 50"
CASES = {
    "DRFM vs no ECCM": (
        True,
        "catalog:\n  radars:\n" + "".join(f"    {r}: {NO_ECCM}\n" for r in ("91N6E", "92N6E", "96L6E")),
        "",
    ),
    "DRFM vs catalog ECCM": (True, "", ""),
    "repeater vs catalog ECCM": (False, "", ""),
    "DRFM+VGPO vs catalog ECCM": (True, "", VGPO),
    "DRFM+VGPO, no rate check": (True, f"catalog:\n  radars:\n    92N6E: {NO_CHECK}\n", VGPO),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    print(
        f"{'case':<26} {'seduced looks':>13} {'false meas/min':>14} {'false tracks':>12} "
        f"{'tracks seduced':>14} {'shots at false':>14} {'jammer killed':>13}"
    )
    for name, (drfm, catalog, vgpo) in CASES.items():
        world = compile_world(loads(SCENARIO.format(drfm=str(drfm).lower(), catalog=catalog, vgpo=vgpo)))
        pulled = looks = false_meas = tracks = seduced = 0
        false_tracks, wasted, killed = [], [], 0
        for seed in range(args.runs):
            result = Engine(world, seed=seed, trajectories=False).run()
            for r in result.batteries[0].radars:
                assert r.deception is not None
                pulled += r.deception.pulled_off
                looks += r.deception.looks
                false_meas += r.deception.false_targets
            d = result.threats[0].deception
            assert d is not None
            false_tracks.append(d.false_tracks)
            tracks += d.tracks
            seduced += d.seduced_tracks
            wasted.append(sum(1 for i in result.interceptors if i.target != "striker"))
            killed += result.threats[0].fate == "killed"
        minutes = args.runs * world.duration_s / 60.0
        print(
            f"{name:<26} {pulled / max(looks, 1):>13.0%} {false_meas / minutes:>14.1f} "
            f"{np.mean(false_tracks):>12.1f} {seduced / max(tracks, 1):>14.0%} {np.mean(wasted):>14.1f} "
            f"{killed / args.runs:>13.0%}"
        )
    print(f"\n.venv/bin/python benchmarks/deception.py --runs {args.runs}")


if __name__ == "__main__":
    main()
