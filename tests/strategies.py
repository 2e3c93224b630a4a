"""Hypothesis strategies for scenarios: valid random ones, and mutated invalid ones.

Valid scenarios (:func:`scenario_data`, :func:`scenario_texts`, :func:`random_scenarios`) draw a
``catalog:`` section (patched radar, interceptor and threat figures, threats derived from built-in ones),
one to three batteries (S-400 or S-300PMU-2, catalog templates or overridden radars, launchers and
doctrine), assets, threat groups of every catalog type (and the derived ones) with random routes (local and geodetic waypoints, heights above
ground, weaving, self-screening jammers, groups, shared routes written as YAML anchors), ballistic
missiles aimed at an asset or a point, and optionally the shipped synthetic DEM
(``examples/terrain/anatolia-synthetic.tif``). Everything is placed around the plateau near Ankara that
the DEM covers, so terrain masking, radar horizons and heights above ground all come into play.

Invalid inputs (:func:`mutants`) start from a valid scenario and break it in one way, each with the
problem the loader must report where the mutation makes that certain: a removed required field, a value
of the wrong type, a number out of its range (bounds read from the pydantic schema, and the catalog's
speed and load-factor limits), an unknown key, an unknown catalog name, a duplicated id, a dangling
reference, an overfull launcher, a one-point route; and, with no expectation beyond "a ScenarioError or a
valid scenario", broken YAML text and binary junk. :func:`yaml_documents` and :func:`schema_shaped_junk`
draw random YAML structures, the latter with the schema's own keys so validation goes deep.
"""

from __future__ import annotations

import copy
import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
import yaml
from hypothesis import strategies as st
from pydantic import BaseModel

from samsim import catalog, loads
from samsim.catalog import Catalog
from samsim.scenario import Scenario, format_path

ROOT = Path(__file__).resolve().parents[1]
TERRAIN = ROOT / "examples" / "terrain" / "anatolia-synthetic.tif"
SITE = (39.9, 32.8)  # inside the synthetic DEM (38.5-41.2 N, 31.0-34.6 E)
EARTH_M_PER_DEG = 111_195.0

SYSTEMS = catalog.names("system")
RADARS = catalog.names("radar")
LAUNCHERS = catalog.names("launcher")
MISSILES = catalog.names("interceptor")
THREATS = catalog.names("threat")

PathKey = tuple[str | int, ...]


# ---------------------------------------------------------------------------------------------
# Valid scenarios


def offset_deg(lat_deg: float, lon_deg: float, east_m: float, north_m: float) -> tuple[float, float]:
    """A point ``east_m``/``north_m`` away on a sphere (good to a fraction of a percent within 500 km:
    the strategies only need plausible, valid positions)."""
    lat = lat_deg + north_m / EARTH_M_PER_DEG
    lon = lon_deg + east_m / (EARTH_M_PER_DEG * math.cos(math.radians(lat_deg)))
    return round(max(-89.9, min(89.9, lat)), 6), round((lon + 180.0) % 360.0 - 180.0, 6)


def _f(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _maybe(draw: st.DrawFn, p_none: float = 0.5) -> bool:
    """True with probability about 1 - p_none (shrinks towards leaving optional fields out)."""
    return draw(st.integers(0, 99)) >= round(100 * p_none)


@dataclass(frozen=True)
class _Frame:
    """Where local positions are measured from (the origin, or the first battery's position)."""

    lat_deg: float
    lon_deg: float


def _position(
    draw: st.DrawFn,
    frame: _Frame,
    east_m: float,
    north_m: float,
    height_m: float | None,
    *,
    local: bool | None = None,
) -> dict[str, Any]:
    if local is None:
        local = draw(st.booleans())
    if local:
        pos: dict[str, Any] = {"east_m": round(east_m, 1), "north_m": round(north_m, 1)}
        if height_m is not None:
            pos["up_m"] = round(height_m, 1)
        return pos
    lat, lon = offset_deg(frame.lat_deg, frame.lon_deg, east_m, north_m)
    pos = {"lat_deg": lat, "lon_deg": lon}
    if height_m is not None:
        pos["alt_m"] = round(height_m, 1)
    return pos


def _polar(draw: st.DrawFn, lo_m: float, hi_m: float) -> tuple[float, float]:
    bearing = math.radians(draw(_f(0.0, 360.0)))
    rng = draw(_f(lo_m, hi_m))
    return rng * math.sin(bearing), rng * math.cos(bearing)


def _load(draw: st.DrawFn, tubes: int) -> dict[str, int]:
    """A launcher load that fits: whole-tube missiles and quarter-tube 9M96s mixed."""
    out: dict[str, int] = {}
    room = float(tubes)
    for name in draw(st.lists(st.sampled_from(MISSILES), min_size=1, max_size=2, unique=True)):
        frac = catalog.interceptor(name).tube_fraction
        n = draw(st.integers(0, int(room / frac + 1e-9)))
        out[name] = n
        room -= n * frac
    return out


def _battery(draw: st.DrawFn, k: int, frame: _Frame, at_origin: bool) -> dict[str, Any]:
    bat: dict[str, Any] = {"id": f"{draw(_words)}_{k}", "system": draw(st.sampled_from(SYSTEMS))}
    if at_origin:
        height = draw(_f(0.0, 1500.0)) if _maybe(draw, 0.7) else None
        bat["position"] = _position(draw, frame, 0.0, 0.0, height, local=False)
    else:
        east, north = _polar(draw, 0.0, 60e3)
        height = draw(_f(0.0, 1500.0)) if _maybe(draw, 0.7) else None
        bat["position"] = _position(draw, frame, east, north, height)
    if _maybe(draw, 0.6):
        radars = []
        for _ in range(draw(st.integers(1, 3))):
            radar: dict[str, Any] = {"type": draw(st.sampled_from(RADARS))}
            if _maybe(draw):
                radar["offset_m"] = [
                    round(draw(_f(-3000.0, 3000.0)), 1),
                    round(draw(_f(-3000.0, 3000.0)), 1),
                    round(draw(_f(0.0, 30.0)), 1),
                ]
            if _maybe(draw):
                radar["mast_m"] = round(draw(_f(0.0, 40.0)), 1)
            radars.append(radar)
        bat["radars"] = radars
    if _maybe(draw, 0.6):
        launchers = []
        for _ in range(draw(st.integers(1, 3))):
            ltype = draw(st.sampled_from(LAUNCHERS))
            launcher: dict[str, Any] = {"type": ltype, "load": _load(draw, catalog.launcher(ltype).tubes)}
            if _maybe(draw):
                launcher["count"] = draw(st.integers(1, 4))
            launchers.append(launcher)
        bat["launchers"] = launchers
    if _maybe(draw):
        doctrine: dict[str, Any] = {}
        if _maybe(draw):
            doctrine["salvo"] = draw(st.integers(1, 4))
        if _maybe(draw):
            doctrine["policy"] = draw(st.sampled_from(["shoot-look-shoot", "shoot-shoot"]))
        if _maybe(draw):
            doctrine["weapons"] = draw(st.sampled_from(["free", "free", "hold"]))
        if _maybe(draw):
            doctrine["min_pk"] = round(draw(_f(0.0, 0.9)), 3)
        if _maybe(draw, 0.7):
            doctrine["reaction_time_s"] = round(draw(_f(0.0, 30.0)), 2)
        if _maybe(draw):
            doctrine["emcon"] = draw(st.sampled_from(["always_on", "blink", "shutdown_on_arm"]))
        bat["doctrine"] = doctrine
    if _maybe(draw, 0.8):
        bat["radiate_from_s"] = round(draw(_f(0.0, 300.0)), 1)
    if _maybe(draw, 0.8):
        bat["command"] = "autonomous"
    if _maybe(draw, 0.7):
        bat["reserve"] = {draw(st.sampled_from(MISSILES)): draw(st.integers(0, 8))}
    if _maybe(draw, 0.85):  # a move ordered within the shortest duration drawn (30 s)
        east, north = _polar(draw, 500.0, 5e3)
        bat["moves"] = [
            {
                "at_s": round(draw(_f(0.0, 29.0)), 1),
                "to": _position(draw, frame, east, north, None, local=False),
            }
        ]
    return bat


_words = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}", fullmatch=True)

# Route heights by kind of threat: (lowest, highest, probability that heights are above ground).
_HEIGHTS = {
    "aircraft": (50.0, 14000.0, 0.3),
    "decoy": (50.0, 12000.0, 0.3),
    "cruise_missile": (15.0, 300.0, 0.8),
    "drone": (30.0, 3000.0, 0.5),
}
# Where a route starts, as a range from the origin.
_START_RANGE_M = {
    "aircraft": (30e3, 300e3),
    "decoy": (30e3, 300e3),
    "cruise_missile": (20e3, 200e3),
    "drone": (5e3, 80e3),
}


def _route(
    draw: st.DrawFn, spec: catalog.ThreatSpec, frame: _Frame, end_m: tuple[float, float]
) -> list[dict[str, Any]]:
    lo_h, hi_h, p_agl = _HEIGHTS[spec.kind]
    start = _polar(draw, *_START_RANGE_M[spec.kind])
    n = draw(st.integers(2, 4))
    route = []
    for k in range(n):
        f = k / (n - 1)
        jitter = 0.0 if k in (0, n - 1) else draw(_f(0.0, 20e3))
        east = start[0] + f * (end_m[0] - start[0]) + jitter
        north = start[1] + f * (end_m[1] - start[1]) - jitter
        height = draw(_f(lo_h, hi_h)) if k == 0 or _maybe(draw, 0.3) else None
        wp = _position(draw, frame, east, north, height)
        if height is not None and draw(_f(0.0, 1.0)) < p_agl:
            wp["agl"] = True
        if _maybe(draw, 0.4):
            wp["speed_mps"] = round(draw(_f(0.3, 1.0)) * spec.max_speed_mps, 1)
        route.append(wp)
    return route


def _min_energy_apogee_m(range_m: float) -> float:
    """The Iskander's minimum-energy apogee at ``range_m`` within 3 % from 60 to 300 km (a fit to
    :func:`samsim.models.ballistic.solve_shot`: burn-out at 10-30 km adds to the drag-free D/4)."""
    return 12e3 + 0.26 * range_m


def _trajectory_shape(draw: st.DrawFn, launch_m: float) -> dict[str, Any]:
    """A `profile` or `apogee_m` the Iskander flies within its speed at every range within 40 km of
    ``launch_m``: shots up to ~300 km fly depressed, lofted or through any apogee from 0.6 to 1.8
    times the minimum-energy one (at most ~1,950 m/s); longer ones only at minimum energy."""
    if launch_m > 250e3:
        return {"profile": "min_energy"}
    if draw(st.booleans()):
        return {"profile": draw(st.sampled_from(["min_energy", "depressed", "lofted"]))}
    near, far = max(launch_m - 40e3, 60e3), launch_m + 40e3
    return {"apogee_m": round(draw(_f(0.65 * _min_energy_apogee_m(far), 1.7 * _min_energy_apogee_m(near))))}


def _threat(
    draw: st.DrawFn,
    k: int,
    frame: _Frame,
    assets: list[dict[str, Any]],
    asset_m: dict[str, tuple[float, float]],
    cat: Catalog,
    batteries: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    names = cat.names("threat")
    if not batteries:  # an anti-radiation missile needs a radar to fly at
        names = [n for n in names if cat.threat(n).kind != "arm"]
    ttype = draw(st.sampled_from(names))
    spec = cat.threat(ttype)
    threat: dict[str, Any] = {"id": f"{draw(_words)}_{k}", "type": ttype}
    if spec.kind == "arm" and batteries:
        return _arm_threat(draw, threat, frame, cat, batteries)
    if _maybe(draw, 0.6):
        threat["count"] = draw(st.integers(1, 3))
    if _maybe(draw, 0.6):
        threat["spacing_s"] = round(draw(_f(0.0, 30.0)), 1)
    if _maybe(draw):
        threat["start_s"] = round(draw(_f(0.0, 300.0)), 1)
    target = draw(st.sampled_from([a["id"] for a in assets])) if assets and _maybe(draw, 0.2) else None
    if target is not None:
        threat["target"] = target
    if _maybe(draw, 0.7):
        threat["rcs_m2"] = float(f"{10 ** draw(_f(-3.0, 2.0)):.4g}")
    if spec.kind == "ballistic":
        # Impacts lie within 40 km of the frame's centre, so shots are 60-460 km for the Iskander:
        # inside its 50-500 km, and within its speed on a minimum-energy trajectory. A type of
        # shorter published range flies at most 85 % of it: from a low launch the Kh-47M2's motor
        # reaches 436 of its published 480 km (the catalog's range assumes the MiG-31K's altitude).
        east, north = _polar(draw, 100e3, min(420e3, 0.85 * spec.range_m - 40e3))
        lat, lon = offset_deg(frame.lat_deg, frame.lon_deg, east, north)
        launch: dict[str, Any] = {"lat_deg": lat, "lon_deg": lon}
        if _maybe(draw):
            launch["alt_m"] = round(draw(_f(0.0, 1500.0)), 1)
        ballistic: dict[str, Any] = {"launch": launch}
        if assets and _maybe(draw, 0.3):
            ballistic["impact_on"] = target or draw(st.sampled_from([a["id"] for a in assets]))
        else:
            ie, inorth = _polar(draw, 0.0, 30e3)
            ilat, ilon = offset_deg(frame.lat_deg, frame.lon_deg, ie, inorth)
            impact: dict[str, Any] = {"lat_deg": ilat, "lon_deg": ilon}
            if _maybe(draw):
                impact["alt_m"] = round(draw(_f(0.0, 1500.0)), 1)
            ballistic["impact"] = impact
        if spec.range_m >= 500e3 and _maybe(draw):  # the shapes are the Iskander's (its speed)
            ballistic.update(_trajectory_shape(draw, math.hypot(east, north)))
        if _maybe(draw):
            ballistic["launch_s"] = round(draw(_f(0.0, 300.0)), 1)
        threat["ballistic"] = ballistic
        return threat
    end = asset_m[target] if target is not None else _polar(draw, 0.0, 30e3)
    threat["route"] = _route(draw, spec, frame, end)
    if _maybe(draw, 0.75):
        threat["maneuver"] = {
            "kind": "weave",
            "g": round(draw(_f(0.1, spec.max_g)), 2),
            "period_s": round(draw(_f(2.0, 60.0)), 1),
        }
    if _maybe(draw, 0.75):
        threat["jammer"] = {
            "erp_dbw": round(draw(_f(-10.0, 60.0)), 1),
            "bandwidth_mhz": round(draw(_f(1.0, 2000.0)), 1),
        }
    return threat


def _arm_threat(
    draw: st.DrawFn, threat: dict[str, Any], frame: _Frame, cat: Catalog, batteries: list[dict[str, Any]]
) -> dict[str, Any]:
    """An anti-radiation missile launched 10-45 km from the origin (so within ~105 km of every battery,
    inside the catalog ARMs' range) at one radar of one of the batteries."""
    bat = draw(st.sampled_from(batteries))
    types = (
        [r["type"] for r in bat["radars"]]
        if "radars" in bat
        else [r["type"] for r in cat.system(bat["system"]).radars]
    )
    k = draw(st.integers(0, len(types) - 1))
    radar = types[k] if types.count(types[k]) == 1 else f"{types[k]}-{k + 1}"
    east, north = _polar(draw, 10e3, 45e3)
    lat, lon = offset_deg(frame.lat_deg, frame.lon_deg, east, north)
    threat["launch"] = {"lat_deg": lat, "lon_deg": lon, "alt_m": round(draw(_f(500.0, 15000.0)), 1)}
    if _maybe(draw):
        speed = round(draw(_f(0.3, 1.0)) * cat.threat(threat["type"]).max_speed_mps, 1)
        threat["launch"]["speed_mps"] = speed
    if _maybe(draw, 0.6):
        threat["count"] = draw(st.integers(1, 3))
        threat["spacing_s"] = round(draw(_f(0.0, 10.0)), 1)
    if _maybe(draw):
        threat["start_s"] = round(draw(_f(0.0, 300.0)), 1)
    threat["target"] = {"battery": bat["id"], "radar": radar}
    return threat


def _radar_patch(draw: st.DrawFn, name: str) -> tuple[str, dict[str, Any]]:
    spec = catalog.radar(name)
    patch: dict[str, Any] = {"ref_range_m": round(spec.ref_range_m * draw(_f(0.5, 1.5)))}
    if _maybe(draw):
        patch["revisit_s"] = round(spec.revisit_s * draw(_f(0.5, 2.0)), 2)
    return name, patch


def _interceptor_patch(draw: st.DrawFn, name: str) -> tuple[str, dict[str, Any]]:
    patch: dict[str, Any] = {"max_range_m": round(catalog.interceptor(name).max_range_m * draw(_f(0.5, 1.0)))}
    if _maybe(draw):
        patch["pk_nominal"] = round(draw(_f(0.3, 0.95)), 2)
    return name, patch


def _threat_patch(draw: st.DrawFn, name: str) -> tuple[str, dict[str, Any]]:
    """A patched threat, or a new one derived from it (that the threat groups may then use)."""
    spec = catalog.threat(name)
    patch: dict[str, Any] = {"rcs_m2": float(f"{spec.rcs_m2 * draw(_f(0.5, 2.0)):.4g}")}
    if _maybe(draw):
        # a ballistic type's maximum speed also bounds the shots it may fly: never below the catalog's
        low = 1.0 if spec.kind == "ballistic" else 0.8
        patch["max_speed_mps"] = round(spec.max_speed_mps * draw(_f(low, 1.2)), 1)
    if draw(st.booleans()):
        return f"{name}-x", {"base": name, **patch}
    return name, patch


def _catalog_changes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``catalog:`` section: patched radar, interceptor and threat figures, derived threats."""
    changes: dict[str, Any] = {}
    for section, names, patch, p_none in (
        ("radars", RADARS, _radar_patch, 0.6),
        ("interceptors", MISSILES, _interceptor_patch, 0.7),
        ("threats", THREATS, _threat_patch, 0.5),
    ):
        if _maybe(draw, p_none):
            picked = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
            changes[section] = dict(patch(draw, name) for name in picked)
    return changes


@st.composite
def scenario_data(
    draw: st.DrawFn,
    *,
    min_batteries: int = 0,
    max_batteries: int = 3,
    min_threat_groups: int = 0,
    max_threat_groups: int = 5,
    terrain: bool | None = None,
) -> dict[str, Any]:
    """The YAML data of a valid random scenario (a plain dict, ready for :func:`to_yaml`).

    ``terrain``: True always uses the shipped synthetic DEM, False never, None sometimes.
    """
    give_origin = draw(st.booleans())
    ce, cn = _polar(draw, 0.0, 30e3)
    frame = _Frame(*offset_deg(SITE[0], SITE[1], ce, cn))
    data: dict[str, Any] = {
        "samsim": 1,
        "name": draw(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=60)
        ),
        "duration_s": round(draw(_f(30.0, 900.0)), 1),
    }
    if _maybe(draw, 0.7):
        data["description"] = draw(st.text(max_size=40))
    if _maybe(draw):
        data["seed"] = draw(st.integers(0, 2**63 - 1))
    if _maybe(draw, 0.7):
        data["step_s"] = round(draw(_f(0.05, 2.0)), 3)
    if give_origin:
        data["origin"] = _position(
            draw, frame, 0.0, 0.0, draw(_f(0.0, 1200.0)) if _maybe(draw) else None, local=False
        )
    env: dict[str, Any] = {}
    if _maybe(draw):
        env["refraction_k"] = round(draw(_f(1.0, 2.0)), 4)
    if _maybe(draw):
        env["ground_alt_m"] = round(draw(_f(0.0, 1200.0)), 1)
    use_terrain = draw(st.integers(0, 3)) == 0 if terrain is None else terrain
    if use_terrain:
        env["terrain"] = str(TERRAIN)
    if env or _maybe(draw, 0.8):
        data["environment"] = env
    changes = _catalog_changes(draw)
    if changes:
        data["catalog"] = changes
    cat = catalog.builtin().with_overrides(changes)
    n_bat = draw(st.integers(max(min_batteries, 0 if give_origin else 1), max_batteries))
    data["batteries"] = [_battery(draw, k, frame, at_origin=k == 0 and not give_origin) for k in range(n_bat)]
    networked = [b["id"] for b in data["batteries"] if b.get("command") != "autonomous"]
    if networked and _maybe(draw, 0.7):
        # A declared command post over some of them, perhaps lost during the run.
        command: dict[str, Any] = {
            "id": "cp",
            "batteries": networked[: draw(st.integers(1, len(networked)))],
            "link_latency_s": round(draw(_f(0.0, 5.0)), 2),
        }
        if _maybe(draw):
            command[draw(st.sampled_from(["destroyed_s", "cut_s"]))] = round(draw(_f(0.0, 600.0)), 1)
        data["commands"] = [command]
    assets = []
    asset_m: dict[str, tuple[float, float]] = {}
    for k in range(draw(st.integers(0, 3))):
        east, north = _polar(draw, 0.0, 40e3)
        asset: dict[str, Any] = {
            "id": f"{draw(_words)}_{k}",
            "position": _position(draw, frame, east, north, draw(_f(0.0, 1200.0)) if _maybe(draw) else None),
        }
        if _maybe(draw):
            asset["radius_m"] = round(draw(_f(300.0, 10000.0)), 1)
        if _maybe(draw):
            asset["value"] = round(draw(_f(0.1, 20.0)), 2)
        assets.append(asset)
        asset_m[asset["id"]] = (east, north)
    data["assets"] = assets
    threats: list[dict[str, Any]] = []
    for k in range(draw(st.integers(min_threat_groups, max_threat_groups))):
        previous = threats[-1] if threats else None
        if previous is not None and "route" in previous and draw(st.integers(0, 9)) == 0:
            # An escort on the same route: one list object, written as a YAML anchor and alias.
            threats.append(
                {"id": f"{draw(_words)}_{k}", "type": previous["type"], "route": previous["route"]}
            )
            continue
        threats.append(_threat(draw, k, frame, assets, asset_m, cat, data["batteries"]))
    data["threats"] = threats
    for key in ("batteries", "assets", "threats"):
        if not data[key] and _maybe(draw, 0.5):
            del data[key]
    return data


def to_yaml(data: Any, *, flow: bool | None = None, width: int = 100) -> str:
    """Scenario data as YAML text (block, flow or mixed style)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=flow, width=width)


@st.composite
def scenario_texts(draw: st.DrawFn, **kwargs: Any) -> str:
    """A valid random scenario as YAML text, in a random style."""
    data = draw(scenario_data(**kwargs))
    return to_yaml(data, flow=draw(st.sampled_from([False, None, True])), width=draw(st.integers(40, 200)))


@st.composite
def random_scenarios(draw: st.DrawFn, **kwargs: Any) -> Scenario:
    """A valid random scenario with at least one battery and one threat, loaded (see
    :func:`scenario_data`; a scenario without threats is tested in tests/test_engagement.py).

    At least one battery by default because the engine cannot yet run a scenario without one
    (``tests/test_fuzz.py::test_scenario_without_batteries_runs``, an expected failure).
    """
    kwargs.setdefault("min_batteries", 1)
    kwargs.setdefault("min_threat_groups", 1)
    return loads(draw(scenario_texts(**kwargs)))


# ---------------------------------------------------------------------------------------------
# The schema, walked alongside the data


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def model_nodes(
    data: Any, model: type[BaseModel] = Scenario, path: PathKey = ()
) -> Iterator[tuple[PathKey, type[BaseModel], dict[str, Any]]]:
    """Every mapping of ``data`` that the schema reads as a pydantic model: (path, model, mapping)."""
    if not isinstance(data, dict):
        return
    yield path, model, data
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        ann = _unwrap(info.annotation)
        value = data[name]
        if _is_model(ann):
            yield from model_nodes(value, ann, (*path, name))
        elif (
            typing.get_origin(ann) is list and _is_model(typing.get_args(ann)[0]) and isinstance(value, list)
        ):
            for i, item in enumerate(value):
                yield from model_nodes(item, typing.get_args(ann)[0], (*path, name, i))


@dataclass(frozen=True)
class Bounds:
    """A numeric field's range from the schema (None: unbounded on that side)."""

    integer: bool
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None


def numeric_fields(data: Any) -> Iterator[tuple[PathKey, Bounds]]:
    """Every number in ``data`` with the bounds the schema puts on it."""
    for path, model, node in model_nodes(data):
        for name, info in model.model_fields.items():
            ann = _unwrap(info.annotation)
            if name not in node or ann not in (int, float) or isinstance(node[name], bool):
                continue
            kw: dict[str, float] = {}
            for m in info.metadata:
                for attr in ("ge", "gt", "le", "lt"):
                    if isinstance(m, getattr(annotated_types, attr.capitalize())):
                        kw[attr] = float(getattr(m, attr))
            yield (*path, name), Bounds(ann is int, **kw)


def get_at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def set_at(data: Any, path: PathKey, value: Any) -> None:
    get_at(data, path[:-1])[path[-1]] = value


def all_paths(data: Any, path: PathKey = ()) -> Iterator[PathKey]:
    """Every key and list item in ``data`` (not the root)."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return
    for key, value in items:
        yield (*path, key)
        yield from all_paths(value, (*path, key))


# ---------------------------------------------------------------------------------------------
# Invalid inputs


@dataclass(frozen=True)
class Mutant:
    """A broken scenario and, when the mutation makes it certain, the problem it must be reported with:
    a problem at ``path`` (formatted as in ``Problem.path``) whose message contains one of ``fragments``
    (any message if empty). ``path`` None: only "ScenarioError or a valid scenario" is required."""

    kind: str
    content: str | bytes
    path: str | None = None
    fragments: tuple[str, ...] = ()


def _out_of_range(draw: st.DrawFn, b: Bounds) -> Any:
    options: list[Any] = []
    if b.integer:
        options += [int(b.ge) - 1] if b.ge is not None else []
        options += [int(b.gt)] if b.gt is not None else []
        options += [int(b.le) + 1] if b.le is not None else []
        options += [int(b.lt)] if b.lt is not None else []
        options += [1.5, math.nan, math.inf]
        return draw(st.sampled_from(options))
    if b.ge is not None:
        options += [b.ge - max(1.0, abs(b.ge)), b.ge - 1e-6 * max(1.0, abs(b.ge))]
    if b.gt is not None:
        options += [b.gt, b.gt - max(1.0, abs(b.gt))]
    if b.le is not None:
        options += [b.le + max(1.0, abs(b.le)), b.le * 10 + 10]
    if b.lt is not None:
        options += [b.lt, b.lt + 1.0]
    options += [math.nan, math.inf, -math.inf]
    return draw(st.sampled_from(options))


_WRONG_FOR_SCALAR: list[Any] = [[1, 2], {"x": 1}, [], {}]
_WRONG_FOR_MAPPING: list[Any] = ["text", 7, [1], True]
_WRONG_FOR_LIST: list[Any] = ["text", 7, {"x": 1}]


@st.composite
def structural_mutants(draw: st.DrawFn) -> Mutant:
    """A valid scenario broken in one way that the loader must report at a known field."""
    data = copy.deepcopy(draw(scenario_data(max_batteries=2, max_threat_groups=3)))
    kinds = ["type", "remove", "range", "unknown-key", "catalog-name", "dangling-ref", "duplicate-id"]
    kinds += ["one-point-route", "overfull-launcher", "catalog-limit", "flight-kind", "version"]
    kind = draw(st.sampled_from(kinds))
    nodes = list(model_nodes(data))
    threats = data.get("threats", [])
    routed = [i for i, t in enumerate(threats) if "route" in t]

    if kind == "type":
        paths = [p for p in all_paths(data) if p[-1] != "samsim"]
        path = draw(st.sampled_from(paths))
        old = get_at(data, path)
        wrong = (
            _WRONG_FOR_MAPPING
            if isinstance(old, dict)
            else _WRONG_FOR_LIST
            if isinstance(old, list)
            else _WRONG_FOR_SCALAR
        )
        set_at(data, path, draw(st.sampled_from(wrong)))
        # A load is a mapping of missile names: a wrong value there is reported at the load itself
        # when the key is what breaks, at the key otherwise.
        return Mutant(kind, to_yaml(data), format_path(path))
    if kind == "remove":
        required = [
            ((*p, name), name)
            for p, model, node in nodes
            for name, info in model.model_fields.items()
            if info.is_required() and name in node
        ]
        path, name = draw(st.sampled_from(required))
        del get_at(data, path[:-1])[name]
        if path == ("samsim",):
            return Mutant(kind, to_yaml(data), "samsim", ("format version must be 1",))
        return Mutant(kind, to_yaml(data), format_path(path), ("required field is missing",))
    if kind == "range":
        path, bounds = draw(st.sampled_from(list(numeric_fields(data))))
        set_at(data, path, _out_of_range(draw, bounds))
        return Mutant(kind, to_yaml(data), format_path(path))
    if kind == "unknown-key":
        path, model, node = draw(st.sampled_from(nodes))
        key = draw(
            st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True).filter(lambda k: k not in model.model_fields)
        )
        node[key] = draw(st.sampled_from([1, "x", None, [1], {"a": 1}]))
        return Mutant(kind, to_yaml(data), format_path((*path, key)), (f"unknown field {key!r}",))
    named = [
        (p, n)
        for p, model, node in nodes
        for n in ("system", "type")
        if n in node and n in model.model_fields
    ]
    if kind == "catalog-name" and named:
        path, name = draw(st.sampled_from(named))
        node = get_at(data, path)
        node[name] = draw(st.sampled_from(["S-500", "Patriot", "X", "f-16c", "", "48N6E3 "]))
        return Mutant(kind, to_yaml(data), format_path((*path, name)), ("unknown",))
    if kind == "dangling-ref" and threats:
        i = draw(st.integers(0, len(threats) - 1))
        ghost = draw(_words) + "-ghost"
        if "ballistic" in threats[i] and draw(st.booleans()):
            b = threats[i]["ballistic"]
            b.pop("impact", None)
            b["impact_on"] = ghost
            return Mutant(
                kind, to_yaml(data), f"threats[{i}].ballistic.impact_on", (f"no asset with id {ghost!r}",)
            )
        threats[i]["target"] = ghost
        return Mutant(kind, to_yaml(data), f"threats[{i}].target", (f"no asset with id {ghost!r}",))
    if kind == "duplicate-id":
        sections = [s for s in ("assets", "batteries", "threats") if len(data.get(s, [])) >= 2]
        if sections:
            section = draw(st.sampled_from(sections))
            items = data[section]
            i, j = draw(st.lists(st.integers(0, len(items) - 1), min_size=2, max_size=2, unique=True))
            items[j] = {**items[j], "id": items[i]["id"]}
            if section == "threats":
                # Threat ids collide through their members (id, or id-1 ... id-N for a group).
                items[i]["count"] = items[j]["count"] = 1
            return Mutant(kind, to_yaml(data), f"{section}[{max(i, j)}].id", ("duplicate id", "already used"))
    if kind == "one-point-route" and routed:
        i = draw(st.sampled_from(routed))
        threats[i]["route"] = threats[i]["route"][:1]
        return Mutant(kind, to_yaml(data), f"threats[{i}].route", ("at least two points",))
    if kind == "overfull-launcher":
        with_launchers = [k for k, b in enumerate(data.get("batteries", [])) if "launchers" in b]
        if with_launchers:
            k = draw(st.sampled_from(with_launchers))
            launchers = data["batteries"][k]["launchers"]
            j = draw(st.integers(0, len(launchers) - 1))
            # One more 48N6-size missile than the drawn launcher type has tube positions.
            tubes = catalog.builtin().with_overrides(data.get("catalog")).launcher(launchers[j]["type"]).tubes
            launchers[j]["load"] = draw(
                st.sampled_from(
                    [{"48N6E3": tubes + 1}, {"9M96E2": 4 * tubes + 1}, {"40N6E": tubes, "9M96E": 5}]
                )
            )
            return Mutant(kind, to_yaml(data), f"batteries[{k}].launchers[{j}]", ("tube positions",))
    if kind == "catalog-limit" and routed:
        i = draw(st.sampled_from(routed))
        spec = catalog.builtin().with_overrides(data.get("catalog")).threat(threats[i]["type"])
        if draw(st.booleans()):
            k = draw(st.integers(0, len(threats[i]["route"]) - 1))
            wp = dict(threats[i]["route"][k])
            wp["speed_mps"] = round(spec.max_speed_mps * draw(_f(1.01, 5.0)), 1)
            threats[i]["route"] = [*threats[i]["route"][:k], wp, *threats[i]["route"][k + 1 :]]
            return Mutant(kind, to_yaml(data), f"threats[{i}].route[{k}].speed_mps", ("maximum speed",))
        threats[i]["maneuver"] = {"kind": "weave", "g": round(spec.max_g * 1.5, 2), "period_s": 10}
        return Mutant(kind, to_yaml(data), f"threats[{i}].maneuver.g", ("exceeds",))
    if kind == "flight-kind" and threats:
        i = draw(st.integers(0, len(threats) - 1))
        if "route" in threats[i]:
            threats[i]["ballistic"] = {
                "launch": {"lat_deg": 38.0, "lon_deg": 36.0},
                "impact": {"lat_deg": 39.9, "lon_deg": 32.8},
            }
            return Mutant(kind, to_yaml(data), f"threats[{i}]", ("ballistic",))
        if "launch" in threats[i]:  # an anti-radiation missile without its launch point
            del threats[i]["launch"]
            return Mutant(kind, to_yaml(data), f"threats[{i}]", ("anti-radiation missile",))
        del threats[i]["ballistic"]
        return Mutant(kind, to_yaml(data), f"threats[{i}]", ("ballistic",))
    # "version", and the kinds above when the scenario has nothing to apply them to.
    data["samsim"] = draw(st.sampled_from([0, 2, "1", 1.5, None, "one", [1]]))
    return Mutant("version", to_yaml(data), "samsim", ("format version must be 1",))


_YAML_TOKENS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "*nope",
    "!!python/object:os.system ",
    "!!binary ",
    "!custom ",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "\t",
    "'",
    '"',
    "|",
    ">",
    "#",
    "?",
    "@",
    "`",
    "\n  ",
    "\n",
    ": :",
    "<<: *a\n",
    "\x00",
    "\ufeff",
    "\u2028",
    "{{",
    "]]",
]


@st.composite
def text_mutants(draw: st.DrawFn) -> Mutant:
    """A valid scenario's text broken at random: YAML tokens inserted, spans deleted, lines duplicated
    or shifted, the text truncated (no expectation: a ScenarioError or a still valid scenario)."""
    text = draw(scenario_texts(max_batteries=2, max_threat_groups=2))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(
            st.sampled_from(["insert", "delete", "truncate", "duplicate-line", "indent", "replace-char"])
        )
        pos = draw(st.integers(0, max(0, len(text) - 1)))
        if op == "insert":
            text = text[:pos] + draw(st.sampled_from(_YAML_TOKENS) | st.text(max_size=4)) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif op == "truncate":
            text = text[:pos]
        elif op == "duplicate-line":
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            text = "".join(lines[: k + 1] + lines[k:])
        elif op == "indent":
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            shift = draw(st.sampled_from([" ", "   ", "\t"]))
            text = "".join(lines[:k] + [shift + line for line in lines[k : k + 1]] + lines[k + 1 :])
        else:
            if text:
                text = text[:pos] + draw(st.characters()) + text[pos + 1 :]
    return Mutant("text", text)


@st.composite
def byte_mutants(draw: st.DrawFn) -> Mutant:
    """A valid scenario's bytes with binary junk inserted, or re-encoded in UTF-16 or Latin-1, or pure
    random bytes."""
    raw = draw(scenario_texts(max_batteries=1, max_threat_groups=2)).encode("utf-8")
    op = draw(st.sampled_from(["insert", "overwrite", "utf16", "latin1", "random", "nul"]))
    if op == "random":
        return Mutant("bytes", draw(st.binary(max_size=2000)))
    if op == "utf16":
        return Mutant(
            "bytes", raw.decode("utf-8").encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
        )
    if op == "latin1":
        return Mutant("bytes", raw.replace(b"samsim: 1", b"samsim: 1\ndescription: caf\xe9"))
    pos = draw(st.integers(0, len(raw)))
    junk = draw(st.binary(min_size=1, max_size=64))
    if op == "nul":
        junk = b"\x00" * len(junk)
    if op == "overwrite":
        return Mutant("bytes", raw[:pos] + junk + raw[pos + len(junk) :])
    return Mutant("bytes", raw[:pos] + junk + raw[pos:])


def mutants() -> st.SearchStrategy[Mutant]:
    """Invalid inputs of every kind: structural (with the expected problem), text and bytes."""
    return st.one_of(structural_mutants(), structural_mutants(), text_mutants(), byte_mutants())


# ---------------------------------------------------------------------------------------------
# Random YAML structures

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["S-400", "F-16C", "weave", "shoot-shoot", "hold", "free", "1", "1e999", ".nan"])
)


def yaml_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Random YAML-representable structures (scalars, lists, string-keyed mappings)."""
    return st.recursive(
        _scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


@st.composite
def schema_shaped_junk(draw: st.DrawFn, model: type[BaseModel] = Scenario, depth: int = 0) -> dict[str, Any]:
    """A mapping with the schema's own keys but random values, recursively (validation goes deep)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not draw(st.booleans()):
            continue
        ann = _unwrap(info.annotation)
        if _is_model(ann) and depth < 4 and draw(st.booleans()):
            out[name] = draw(schema_shaped_junk(ann, depth + 1))
        elif (
            typing.get_origin(ann) is list
            and _is_model(typing.get_args(ann)[0])
            and depth < 4
            and draw(st.booleans())
        ):
            sub = typing.get_args(ann)[0]
            out[name] = draw(st.lists(schema_shaped_junk(sub, depth + 1), max_size=3))
        else:
            out[name] = draw(yaml_values(max_leaves=6))
    if model is Scenario and draw(st.integers(0, 3)) > 0:
        out["samsim"] = 1
    return out


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """Random YAML text: arbitrary structures, or schema-shaped junk, in a random style."""
    value = draw(yaml_values() | schema_shaped_junk())
    return yaml.safe_dump(
        value,
        sort_keys=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        allow_unicode=draw(st.booleans()),
    )
