"""Write examples/f35-training-ankara.yaml, examples/f35-training-ankara-nebo.yaml and
examples/f35-training-ankara-nebosvu.yaml: F-35A training sorties (CAP orbits, a racetrack, an
approach) near the S-400 site at Ankara, without low-band radars, with a Nebo-M and with a Nebo-SVU.
Orbits and racetracks become waypoints every 15 degrees of turn (the route flight kind flies
waypoints). Run from the repository root: .venv/bin/python scripts/gen_f35_training.py
"""

import math
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def circle(cx, cy, r, alt, laps, n=24, speed=240, start_bearing=0.0):
    pts = []
    for k in range(laps * n + 1):
        a = math.radians(start_bearing) + 2 * math.pi * k / n
        pts.append((cx + r * math.sin(a), cy + r * math.cos(a), alt, speed if k == 0 else None))
    return pts


def racetrack(cx, cy, length, radius, alt, laps, heading_deg=0.0, n_turn=8, speed=230):
    # legs along heading, turns of `radius` at each end (clockwise), centred on (cx, cy)
    h = math.radians(heading_deg)
    ux, uy = math.sin(h), math.cos(h)  # along the legs
    rx, ry = math.cos(h), -math.sin(h)  # to the right of the legs
    pts = []

    def p(a, b):
        return (cx + a * ux + b * rx, cy + a * uy + b * ry)

    for _ in range(laps):
        # outbound leg on the left side, turn right at the far end, back on the right side
        pts.append(p(-length / 2, -radius))
        for k in range(n_turn + 1):
            t = math.pi * k / n_turn
            pts.append(p(length / 2 + radius * math.sin(t), -radius * math.cos(t)))
        for k in range(n_turn + 1):
            t = math.pi * k / n_turn
            pts.append(p(-length / 2 - radius * math.sin(t), radius * math.cos(t)))
    out = []
    for i, (x, y) in enumerate(pts):
        if out and abs(out[-1][0] - x) < 1 and abs(out[-1][1] - y) < 1:
            continue
        out.append((x, y, alt, speed if i == 0 else None))
    return out


def fmt(pts):
    lines = []
    for x, y, alt, sp in pts:
        s = f"      - {{east_m: {x:.0f}, north_m: {y:.0f}, up_m: {alt:.0f}"
        if sp:
            s += f", speed_mps: {sp}"
        lines.append(s + "}")
    return "\n".join(lines)


HEAD = """# Hypothetical F-35A training sorties near Ankara, inside the reach of the S-400 battery that Turkey
# operates there: what would its radars learn about the airframe? Two CAP orbits, a racetrack and an
# approach to the air base next to the battery, each flown by a pair. Weapons on hold: the battery
# only watches. {variant}
# Positions are local (east_m / north_m, metres from the origin, the battery); orbits and racetracks are
# written out as waypoints every 15 degrees of turn (scripts/gen_f35_training.py writes these files;
# see docs/exposure.md). Run: samsim exposure {file} -o out/{stem} --threats F-35A
samsim: 1
name: {stem}
description: F-35A training sorties near the S-400 site at Ankara, weapons hold{desc}.
seed: 11
duration_s: 3600
origin: {{lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}}
environment:
  refraction_k: 1.3333
  ground_alt_m: 900            # the Anatolian plateau, taken as flat (no DEM)
assets:
  - id: airbase
    position: {{east_m: -2500, north_m: 3500}}
    radius_m: 2000
    value: 10
batteries:
  - id: s400-ankara
    system: S-400
    position: {{lat_deg: 40.05, lon_deg: 32.60, alt_m: 950}}
    radars:
      - {{type: 91N6E, offset_m: [0, 0, 0], mast_m: 8}}
      - {{type: 92N6E, offset_m: [300, 0, 0], mast_m: 8}}
      - {{type: 96L6E, offset_m: [0, 300, 0], mast_m: 25}}
{extra}    doctrine: {{weapons: hold}}
threats:
"""
NEBO = """      - {type: RLM-M, offset_m: [2000, 1000, 0]}     # 55Zh6M Nebo-M: VHF module
      - {type: RLM-D, offset_m: [2000, 1500, 0]}     # L-band module
      - {type: RLM-S, offset_m: [2000, 2000, 0]}     # X-band module
"""
SVU = """      - {type: 1L119, offset_m: [2000, 1000, 0]}     # 1L119 Nebo-SVU: VHF only
"""


def threats():
    t = []
    t.append(
        (
            "cap-west",
            "CAP orbit 90 km west of the site at 9,000 m, 35 km radius, two laps",
            0,
            circle(-90000, 0, 35000, 9000, 2),
        )
    )
    t.append(
        (
            "cap-south",
            "CAP orbit 140 km south at 11,000 m, 40 km radius, two laps",
            120,
            circle(0, -140000, 40000, 11000, 2, start_bearing=90),
        )
    )
    t.append(
        (
            "racetrack-north",
            "racetrack 120 km north at 8,000 m, 80 km legs east-west, two laps",
            240,
            racetrack(0, 120000, 80000, 15000, 8000, 2, heading_deg=90),
        )
    )
    appr = [
        (-160000, -120000, 9000, 250),
        (-60000, -45000, 4000, None),
        (-20000, -10000, 1500, None),
        (-6000, 1000, 600, 130),
        (-2500, 3500, 200, None),
    ]
    t.append(("approach", "recovery to the air base from the south-west, descending from 9,000 m", 600, appr))
    return t


def body():
    out = []
    for tid, desc, start, pts in threats():
        out.append(
            f"  - id: {tid}              # {desc}\n    type: F-35A\n    count: 2\n"
            f"    spacing_s: 30\n    start_s: {start}\n    route:\n" + fmt(pts)
        )
    return "\n".join(out) + "\n"


for variant, stem, extra, desc in [
    (
        "Without low-band radars: the battery's own S-, X- and C-band radars only.",
        "f35-training-ankara",
        "",
        "",
    ),
    (
        "With a 55Zh6M Nebo-M (VHF, L and X modules) beside the battery.",
        "f35-training-ankara-nebo",
        NEBO,
        " and a Nebo-M",
    ),
    (
        "With a 1L119 Nebo-SVU (VHF only) beside the battery.",
        "f35-training-ankara-nebosvu",
        SVU,
        " and a Nebo-SVU",
    ),
]:
    text = (
        HEAD.format(variant=variant, file=f"examples/{stem}.yaml", stem=stem, extra=extra, desc=desc) + body()
    )
    (EXAMPLES / f"{stem}.yaml").write_text(text)
