"""Validation and loading: ``load(path)`` returns a valid :class:`Scenario` or raises
:class:`ScenarioError` listing every problem at once as ``FILE:LINE: field.path: message``.

Schema errors (pydantic), the scenario's changes to the catalog (``catalog:``) and checks across
items (duplicate ids, missing references, catalog limits) are reported together; everything after the
``catalog:`` section is checked against the catalog with its changes. A scenario never reads a file
other than its own ``environment.terrain``.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from samsim.catalog import Catalog, CatalogError, builtin, did_you_mean
from samsim.geodesy import LocalFrame, geodesic_inverse, haversine_m
from samsim.models.ballistic import ShotError, arc_launch, ballistic_missile, kepler_apogee_m, solve_shot
from samsim.scenario.problems import PathKey, Problem, ScenarioError, format_path, line_of
from samsim.scenario.schema import CATALOG_CONTEXT, FORMAT_VERSION, Ballistic, Position, Scenario
from samsim.scenario.yaml_source import YamlProblem, parse_yaml

_PYDANTIC_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def _pydantic_problems(exc: ValidationError) -> Iterator[tuple[PathKey, str]]:
    for err in exc.errors(include_url=False):
        loc: PathKey = tuple(p for p in err["loc"] if isinstance(p, int | str))
        kind = err["type"]
        message = _PYDANTIC_MESSAGES.get(kind, err["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if kind == "extra_forbidden" and loc:
            message = f"unknown field {loc[-1]!r}{did_you_mean(str(loc[-1]), _fields_at(loc[:-1]))}"
        elif kind == "finite_number":
            message = "must be a finite number"
        elif kind == "literal_error":
            message = err["msg"].replace("Input should be", "must be")
        elif err["msg"].startswith("Input should be"):
            message = err["msg"].replace("Input should be", "must be")
        yield loc, message


def _fields_at(path: PathKey) -> list[str]:
    """The field names of the schema model at ``path`` (empty where the path reaches no model)."""
    node: Any = Scenario
    for part in (*path, None):
        if isinstance(node, types.UnionType) or typing.get_origin(node) is typing.Union:
            inner = [a for a in typing.get_args(node) if a is not type(None)]
            node = inner[0] if len(inner) == 1 else None
        if part is None:
            break
        if isinstance(part, int) and typing.get_origin(node) is list:
            node = typing.get_args(node)[0]
        elif isinstance(node, type) and issubclass(node, BaseModel) and part in node.model_fields:
            node = node.model_fields[str(part)].annotation
        else:
            return []
    return list(node.model_fields) if isinstance(node, type) and issubclass(node, BaseModel) else []


def _ids(items: Any) -> Iterator[tuple[int, str]]:
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield i, item["id"]


def _cross_problems(data: dict[str, Any], cat: Catalog) -> Iterator[tuple[PathKey, str]]:
    """Checks across items, run on the raw data so they are reported together with schema errors."""
    asset_ids = {name for _, name in _ids(data.get("assets"))}
    yield from _command_problems(data)
    for section in ("assets", "batteries", "threats", "commands"):
        seen: dict[str, int] = {}
        for i, name in _ids(data.get(section)):
            if name in seen:
                yield (section, i, "id"), f"duplicate id {name!r} (also {section}[{seen[name]}])"
            else:
                seen[name] = i
    seen_threat: dict[str, int] = {}
    entry_ids = [name for _, name in _ids(data.get("threats"))]
    for i, name in _ids(data.get("threats")):
        if entry_ids.count(name) > 1:  # already reported as a duplicate id
            continue
        item = data["threats"][i]
        count = item.get("count", 1)
        members = (
            [name]
            if not isinstance(count, int) or count <= 1
            else [f"{name}-{k + 1}" for k in range(min(count, 1000))]
        )
        for member in members:
            if member in seen_threat:
                yield (
                    ("threats", i, "id"),
                    (f"threat id {member!r} is already used by threats[{seen_threat[member]}]"),
                )
                break
            seen_threat[member] = i
    threats = data.get("threats")
    if isinstance(threats, list):
        for i, item in enumerate(threats):
            if not isinstance(item, dict):
                continue
            target = item.get("target")
            if isinstance(target, str) and target not in asset_ids:
                yield ("threats", i, "target"), f"no asset with id {target!r}"
            if isinstance(target, dict):
                yield from _radar_target_problems(i, item, target, data.get("batteries"), cat)
            ballistic = item.get("ballistic")
            if isinstance(ballistic, dict):
                impact = ballistic.get("impact_on")
                if isinstance(impact, str) and impact not in asset_ids:
                    yield ("threats", i, "ballistic", "impact_on"), f"no asset with id {impact!r}"
            yield from _threat_limits(i, item, cat)
    if data.get("origin") is None:
        batteries = data.get("batteries")
        first = batteries[0] if isinstance(batteries, list) and batteries else None
        first_pos = first.get("position") if isinstance(first, dict) else None
        if isinstance(first_pos, dict) and "east_m" in first_pos:
            yield (
                ("batteries", 0, "position"),
                (
                    "the first battery's position is the default origin, so it must be geodetic "
                    "(or give `origin:`)"
                ),
            )
        elif not batteries and _uses_local(data):
            yield ("origin",), "local positions (east_m/north_m) need an `origin:` or a battery"


def _radar_ids(battery: dict[str, Any], cat: Catalog) -> tuple[list[str], list[str]] | None:
    """The ids and types of a battery's radars (ids as ``sim.world`` gives them: the type, or
    ``type-k`` for a repeated type), None when its radars cannot be read (reported elsewhere)."""
    radars = battery.get("radars")
    if radars is None:
        system = battery.get("system")
        if not isinstance(system, str) or system not in cat.names("system"):
            return None
        radars = list(cat.system(system).radars)
    if not isinstance(radars, list) or not all(isinstance(r, dict) for r in radars):
        return None
    types = [str(r.get("type")) for r in radars]
    return [t if types.count(t) == 1 else f"{t}-{k + 1}" for k, t in enumerate(types)], types


def _arm_reach_problems(
    i: int, launch: Any, site: Any, ttype: Any, cat: Catalog
) -> Iterator[tuple[PathKey, str]]:
    """An anti-radiation missile's launch within the type's range of the battery and its speed."""
    if not isinstance(launch, dict) or not isinstance(ttype, str) or ttype not in cat.names("threat"):
        return
    spec = cat.threat(ttype)
    speed = launch.get("speed_mps")
    if isinstance(speed, int | float) and speed > spec.max_speed_mps * 1.0001:
        yield (
            ("threats", i, "launch", "speed_mps"),
            f"{speed:g} m/s exceeds the {ttype}'s maximum speed {spec.max_speed_mps:g} m/s",
        )
    given = [launch.get("lat_deg"), launch.get("lon_deg")]
    if isinstance(site, dict):
        given += [site.get("lat_deg"), site.get("lon_deg")]
    coords = [float(c) for c in given if isinstance(c, int | float)]
    if spec.range_m <= 0.0 or len(coords) < 4:
        return  # a local site position is checked against its frame elsewhere; no range to judge
    _, _, dist = geodesic_inverse(coords[0], coords[1], coords[2], coords[3])
    if float(dist) > spec.range_m * 1.0001:
        yield (
            ("threats", i, "launch"),
            f"{float(dist) / 1e3:.1f} km from the battery: "
            f"beyond the {ttype}'s range of {spec.range_m / 1e3:g} km",
        )


def _radar_target_problems(
    i: int, item: dict[str, Any], target: dict[str, Any], batteries: Any, cat: Catalog
) -> Iterator[tuple[PathKey, str]]:
    """An anti-radiation missile's ``target: {battery, radar}`` names a battery and one of its radars,
    within the missile's range of its launch point."""
    launch, ttype = item.get("launch"), item.get("type")
    name, radar = target.get("battery"), target.get("radar")
    if not isinstance(name, str):
        return
    items = [b for b in batteries if isinstance(b, dict)] if isinstance(batteries, list) else []
    found = [b for b in items if b.get("id") == name]
    if not found:
        known = [str(b.get("id")) for b in items]
        yield ("threats", i, "target", "battery"), f"no battery with id {name!r}{did_you_mean(name, known)}"
        return
    radars = _radar_ids(found[0], cat)
    if radars is None or not isinstance(radar, str):
        return
    ids, types = radars
    yield from _arm_reach_problems(i, launch, found[0].get("position"), ttype, cat)
    if radar in ids:
        return
    if types.count(radar) > 1:
        others = ", ".join(r for r, t in zip(ids, types, strict=True) if t == radar)
        yield ("threats", i, "target", "radar"), f"battery {name!r} has several {radar}: name one of {others}"
    else:
        yield (
            ("threats", i, "target", "radar"),
            f"battery {name!r} has no radar {radar!r}{did_you_mean(radar, ids)} "
            f"(its radars: {', '.join(ids)})",
        )


def _command_problems(data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """Command posts name existing batteries, each battery at most once, none of them autonomous."""
    batteries = {name: i for i, name in _ids(data.get("batteries"))}
    items = data.get("batteries")
    autonomous = {
        b["id"]
        for b in (items if isinstance(items, list) else [])
        if isinstance(b, dict) and b.get("command") == "autonomous" and isinstance(b.get("id"), str)
    }
    commands = data.get("commands")
    member_of: dict[str, int] = {}
    for i, item in enumerate(commands if isinstance(commands, list) else []):
        if not isinstance(item, dict):
            continue
        names = item.get("batteries")
        if names is None:
            names = [b for b in batteries if b not in autonomous]
        if not isinstance(names, list):
            continue
        if not names:
            yield ("commands", i, "batteries"), "a command post needs at least one battery"
        for k, name in enumerate(names):
            if not isinstance(name, str):
                continue
            where = ("commands", i, "batteries", k) if item.get("batteries") is not None else ("commands", i)
            if name not in batteries:
                yield where, f"no battery with id {name!r}{did_you_mean(name, list(batteries))}"
            elif name in autonomous:
                yield where, f"battery {name!r} is `command: autonomous` and cannot join a command post"
            elif name in member_of and member_of[name] != i:
                yield where, f"battery {name!r} already belongs to commands[{member_of[name]}]"
            else:
                member_of[name] = i


def _uses_local(node: Any) -> bool:
    if isinstance(node, dict):
        return "east_m" in node or any(_uses_local(v) for v in node.values())
    if isinstance(node, list):
        return any(_uses_local(v) for v in node)
    return False


def _threat_limits(i: int, item: dict[str, Any], cat: Catalog) -> Iterator[tuple[PathKey, str]]:
    """Kinematic limits from the scenario's catalog: leg speeds and manoeuvre load factor."""
    ttype = item.get("type")
    if not isinstance(ttype, str) or ttype not in cat.names("threat"):
        return
    spec = cat.threat(ttype)
    route = item.get("route")
    if isinstance(route, list):
        for k, wp in enumerate(route):
            speed = wp.get("speed_mps") if isinstance(wp, dict) else None
            if isinstance(speed, int | float) and speed > spec.max_speed_mps * 1.0001:
                yield (
                    ("threats", i, "route", k, "speed_mps"),
                    (f"{speed:g} m/s exceeds the {ttype}'s maximum speed {spec.max_speed_mps:g} m/s"),
                )
    maneuver = item.get("maneuver")
    if isinstance(maneuver, dict):
        g = maneuver.get("g")
        if isinstance(g, int | float) and g > spec.max_g:
            yield ("threats", i, "maneuver", "g"), f"{g:g} g exceeds the {ttype}'s limit of {spec.max_g:g} g"


def _geodetic(
    pos: Position, frame: LocalFrame | None, ground_alt_m: float
) -> tuple[float, float, float] | None:
    """(lat, lon, alt MSL) of a position, the flat ground height where it gives none (the engine
    reads a DEM there: a few hundred metres that do not change what a shot needs); None when a local
    position has no geodetic origin to hang from (reported elsewhere)."""
    if pos.is_local:
        if frame is None or pos.east_m is None or pos.north_m is None:
            return None
        lat, lon, alt = frame.enu_to_geodetic([pos.east_m, pos.north_m, pos.up_m or 0.0])
        return float(lat), float(lon), float(alt) if pos.up_m is not None else ground_alt_m
    assert pos.lat_deg is not None and pos.lon_deg is not None
    return pos.lat_deg, pos.lon_deg, pos.alt_m if pos.alt_m is not None else ground_alt_m


def _scenario_frame(scenario: Scenario) -> LocalFrame | None:
    """The frame local positions hang from (None when the origin is itself local: reported elsewhere)."""
    origin = scenario.origin_position()
    if origin.is_local or origin.lat_deg is None or origin.lon_deg is None:
        return None
    return LocalFrame(origin.lat_deg, origin.lon_deg, origin.alt_m or 0.0)


def _move_problems(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Relocations the timeline cannot hold: a move ordered after the end of the scenario, out of time
    order, or before the previous one has ended (ready at its site)."""
    cat = scenario.merged_catalog
    frame = _scenario_frame(scenario)
    ground = scenario.environment.ground_alt_m
    for i, bat in enumerate(scenario.batteries):
        if not bat.moves:
            continue
        timings = cat.system(bat.system).move
        site = _geodetic(bat.position, frame, ground)
        ready_s = -math.inf
        for j, move in enumerate(bat.moves):
            where: PathKey = ("batteries", i, "moves", j, "at_s")
            if move.at_s >= scenario.duration_s:
                yield (
                    where,
                    f"{move.at_s:g} s is not before the end of the scenario ({scenario.duration_s:g} s)",
                )
            elif move.at_s < ready_s:
                previous = bat.moves[j - 1].at_s
                yield (
                    where,
                    f"the move ordered at {previous:g} s ends at {ready_s:.1f} s (stow, march, deploy): "
                    "a move starts after the previous one ended",
                )
            dest = _geodetic(move.to, frame, ground)
            if site is None or dest is None:
                break
            distance_m = float(haversine_m(site[0], site[1], dest[0], dest[1]))
            ready_s = timings.timeline(move.at_s, distance_m)[2]
            site = dest


def _shape_words(b: Ballistic) -> str:
    if b.apogee_m is not None:
        return f"with an apogee of {b.apogee_m / 1e3:g} km"
    return f"on a {b.shape.replace('_', '-')} trajectory"


def _ballistic_problems(scenario: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Shots a ballistic type cannot fly, judged with the scenario's catalog (its changes included)
    and the model the engine flies: a ground range outside the catalog's ``min_range_m``–``range_m``,
    more energy than the motor gives, or a speed above ``max_speed_mps``."""
    cat = scenario.merged_catalog
    origin = scenario.origin_position()
    frame = (
        None
        if origin.is_local or origin.lat_deg is None or origin.lon_deg is None
        else LocalFrame(origin.lat_deg, origin.lon_deg, origin.alt_m or 0.0)
    )
    ground = scenario.environment.ground_alt_m
    assets = {a.id: a.position for a in scenario.assets}
    for i, threat in enumerate(scenario.threats):
        b = threat.ballistic
        if b is None or threat.type not in cat.names("threat"):
            continue
        spec = cat.threat(threat.type)
        if b.impact_on is not None:
            pos = assets.get(b.impact_on)
            impact = None if pos is None else _geodetic(pos, frame, ground)
            where: PathKey = ("threats", i, "ballistic", "impact_on")
        else:
            assert b.impact is not None
            impact = (b.impact.lat_deg, b.impact.lon_deg, b.impact.alt_m)
            where = ("threats", i, "ballistic", "impact")
        if impact is None:
            continue
        _, _, dist = geodesic_inverse(b.launch.lat_deg, b.launch.lon_deg, impact[0], impact[1])
        range_m = float(dist)
        if spec.range_m > 0.0 and range_m > spec.range_m * 1.0001:
            yield (
                where,
                (
                    f"{range_m / 1e3:.1f} km from the launch point: beyond the {threat.type}'s range "
                    f"of {spec.range_m / 1e3:g} km"
                ),
            )
            continue
        if range_m < spec.min_range_m * 0.9999:
            yield (
                where,
                (
                    f"{range_m / 1e3:.1f} km from the launch point: inside the {threat.type}'s minimum "
                    f"range of {spec.min_range_m / 1e3:g} km"
                ),
            )
            continue
        shape_at: PathKey = ("threats", i, "ballistic")
        if b.apogee_m is not None or b.profile is not None:
            shape_at = (*shape_at, "apogee_m" if b.apogee_m is not None else "profile")
        shot = f"a {range_m / 1e3:.0f} km shot {_shape_words(b)}"
        try:
            if spec.boost is None:  # the drag-free arc is fastest at launch
                peak = arc_launch(range_m, kepler_apogee_m(range_m, profile=b.shape, apogee_m=b.apogee_m))[0]
            else:
                peak = solve_shot(
                    ballistic_missile(**spec.boost),
                    range_m,
                    profile=b.shape,
                    apogee_m=b.apogee_m,
                    launch_alt_m=b.launch.alt_m,
                    impact_alt_m=impact[2],
                ).peak_speed_mps
        except ShotError as exc:
            yield shape_at, f"the {threat.type} cannot fly {shot}: {exc}"
            continue
        except ValueError as exc:  # motor figures a catalog change made unflyable
            yield ("threats", i, "type"), f"the {threat.type}'s motor figures do not make a missile: {exc}"
            continue
        if peak > spec.max_speed_mps * 1.0001:
            yield (
                shape_at,
                (
                    f"{shot} needs {peak:.0f} m/s, above the {threat.type}'s maximum speed "
                    f"{spec.max_speed_mps:g} m/s"
                ),
            )


def validate_data(data: Any, lines: dict[PathKey, int], file: str) -> tuple[Scenario | None, list[Problem]]:
    """Validate parsed YAML data; returns the scenario (None when invalid) and the problems."""
    problems: list[Problem] = []

    def add(path: PathKey, message: str) -> None:
        problems.append(Problem(file, line_of(path, lines), format_path(path), message))

    if not isinstance(data, dict):
        add((), f"expected a mapping with `samsim: {FORMAT_VERSION}` at the top, got {type(data).__name__}")
        return None, problems
    version = data.get("samsim")
    if version != FORMAT_VERSION:
        add(("samsim",), f"format version must be {FORMAT_VERSION} (`samsim: 1`), got {version!r}")
        return None, problems
    cat = builtin()
    changes = data.get("catalog")
    if isinstance(changes, dict):
        try:
            cat = cat.with_overrides(changes)
        except CatalogError as exc:
            cat = exc.catalog  # the valid changes: the rest of the file is checked against them
            for loc, message in exc.problems:
                add(("catalog", *loc), message)
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data, context={CATALOG_CONTEXT: cat})
    except ValidationError as exc:
        for loc, message in _pydantic_problems(exc):
            add(loc, message)
    except (RecursionError, OverflowError) as exc:
        add((), f"cannot be read as a scenario: {exc}")
    for loc, message in _cross_problems(data, cat):
        add(loc, message)
    if scenario is not None:
        for loc, message in _ballistic_problems(scenario):
            add(loc, message)
        for loc, message in _move_problems(scenario):
            add(loc, message)
    return (scenario if not problems else None), problems


def loads(text: str, file: str = "<string>") -> Scenario:
    """Parse and validate scenario text; raises ScenarioError."""
    try:
        data, lines, yaml_problems = parse_yaml(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(file, exc.line, format_path(exc.path), exc.message)]) from None
    scenario, problems = validate_data(data, lines, file)
    problems = [Problem(file, ln, format_path(p), m) for ln, p, m in yaml_problems] + problems
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises
    ------
    ScenarioError
        With every problem as ``FILE:LINE: field.path: message``.
    """
    p = Path(path)
    name = str(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, 1, "", f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(name, 1, "", "not a text file (expected UTF-8 YAML)")]) from None
    scenario = loads(text, name)
    problems: list[Problem] = []
    if scenario.environment.terrain is not None:
        terrain = (p.parent / scenario.environment.terrain).resolve()
        if not terrain.is_file():
            data, lines, _ = parse_yaml(text)
            problems.append(
                Problem(
                    name,
                    line_of(("environment", "terrain"), lines),
                    "environment.terrain",
                    f"terrain file not found: {terrain}",
                )
            )
    if problems:
        raise ScenarioError(problems)
    scenario.read_from(p.resolve())
    return scenario
