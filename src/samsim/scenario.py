"""Scenario format version 1: schema (pydantic v2), YAML loading with line numbers, validation.

``load(path)`` returns a validated :class:`Scenario` or raises :class:`ScenarioError` listing every
problem at once as ``FILE:LINE: field.path: message``. The YAML is read with the safe loader: a
scenario never executes code and never reads a file other than its own ``environment.terrain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from samsim import catalog

FORMAT_VERSION = 1
MAX_DURATION_S = 86400.0
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its file."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path or '(root)'}: {self.message}"


class ScenarioError(Exception):
    """A scenario is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------------------------------------
# Schema


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Position(_Model):
    """A point: geodetic ``{lat_deg, lon_deg, alt_m}`` (WGS-84, alt above MSL) or local
    ``{east_m, north_m, up_m}`` relative to the scenario ``origin``."""

    lat_deg: float | None = Field(None, ge=-90.0, le=90.0)
    lon_deg: float | None = Field(None, ge=-180.0, le=180.0)
    alt_m: float | None = Field(None, ge=-12000.0, le=2.0e6)
    east_m: float | None = Field(None, ge=-2.0e7, le=2.0e7)
    north_m: float | None = Field(None, ge=-2.0e7, le=2.0e7)
    up_m: float | None = Field(None, ge=-12000.0, le=2.0e6)

    @model_validator(mode="after")
    def _one_frame(self) -> Position:
        geodetic = [self.lat_deg, self.lon_deg, self.alt_m]
        local = [self.east_m, self.north_m, self.up_m]
        has_geo = any(v is not None for v in geodetic)
        has_local = any(v is not None for v in local)
        if has_geo and has_local:
            raise ValueError("give either lat_deg/lon_deg/alt_m or east_m/north_m/up_m, not both")
        if has_geo and (self.lat_deg is None or self.lon_deg is None):
            raise ValueError("a geodetic position needs both lat_deg and lon_deg")
        if has_local and (self.east_m is None or self.north_m is None):
            raise ValueError("a local position needs both east_m and north_m")
        if not has_geo and not has_local:
            raise ValueError("a position needs lat_deg/lon_deg (geodetic) or east_m/north_m (local)")
        return self

    @property
    def is_local(self) -> bool:
        return self.east_m is not None


class Waypoint(Position):
    """A route point; ``speed_mps`` applies on the leg that starts here, ``agl`` makes the height
    above ground (terrain, or ``environment.ground_alt_m`` without a DEM)."""

    speed_mps: float | None = Field(None, gt=0.0, le=10000.0)
    agl: bool = False


class Doctrine(_Model):
    """Engagement rules; every field left out comes from the system template."""

    salvo: int | None = Field(None, ge=1, le=8)
    policy: Literal["shoot-look-shoot", "shoot-shoot"] | None = None
    weapons: Literal["free", "hold"] | None = None
    min_pk: float | None = Field(None, ge=0.0, le=1.0)
    reaction_time_s: float | None = Field(None, ge=0.0, le=3600.0)


class RadarConfig(_Model):
    type: str
    offset_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    mast_m: float | None = Field(None, ge=0.0, le=200.0)

    @field_validator("type")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "radar")

    @field_validator("offset_m")
    @classmethod
    def _near(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(abs(c) > 50000.0 for c in v):
            raise ValueError("radar offsets from the battery position must be within 50 km")
        return v


class LauncherConfig(_Model):
    type: str
    count: int = Field(1, ge=1, le=100)
    load: dict[str, int]

    @field_validator("type")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "launcher")

    @field_validator("load")
    @classmethod
    def _known_missiles(cls, v: dict[str, int]) -> dict[str, int]:
        for name, n in v.items():
            _check_name(name, "interceptor")
            if n < 0:
                raise ValueError(f"{name}: a missile count must be >= 0")
        if not v:
            raise ValueError("a launcher needs at least one missile type in its load")
        return v

    @model_validator(mode="after")
    def _fits(self) -> LauncherConfig:
        tubes = catalog.launcher(self.type).tubes
        used = sum(n * catalog.interceptor(m).tube_fraction for m, n in self.load.items())
        if used > tubes + 1e-9:
            raise ValueError(
                f"load takes {used:g} tube positions but a {self.type} has {tubes} "
                "(a 9M96 takes a quarter of one)"
            )
        return self


class Battery(_Model):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    system: str
    position: Position
    radars: list[RadarConfig] | None = None
    launchers: list[LauncherConfig] | None = None
    doctrine: Doctrine = Doctrine()
    radiate_from_s: float = Field(0.0, ge=0.0)

    @field_validator("system")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "system")

    @field_validator("radars")
    @classmethod
    def _some_radar(cls, v: list[RadarConfig] | None) -> list[RadarConfig] | None:
        if v is not None and not v:
            raise ValueError("a battery needs at least one radar (leave the field out for the template's)")
        return v


class Asset(_Model):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    position: Position
    radius_m: float = Field(1000.0, gt=0.0, le=1.0e6)
    value: float = Field(1.0, gt=0.0, le=1.0e9)


class Maneuver(_Model):
    kind: Literal["weave"]
    g: float = Field(gt=0.0, le=100.0)
    period_s: float = Field(gt=0.0, le=3600.0)


class Jammer(_Model):
    """Self-screening noise jammer carried by the threat."""

    erp_dbw: float = Field(ge=-100.0, le=100.0)
    bandwidth_mhz: float = Field(gt=0.0, le=1.0e5)


class BallisticLaunch(_Model):
    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(0.0, ge=-12000.0, le=10000.0)


class Ballistic(_Model):
    launch: BallisticLaunch
    impact_on: str | None = None
    impact: BallisticLaunch | None = None
    apogee_m: float | None = Field(None, gt=0.0, le=2.0e6)
    launch_s: float = Field(0.0, ge=0.0)

    @model_validator(mode="after")
    def _one_target(self) -> Ballistic:
        if (self.impact_on is None) == (self.impact is None):
            raise ValueError("give exactly one of impact_on (an asset id) or impact (a point)")
        return self


class Threat(_Model):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    type: str
    count: int = Field(1, ge=1, le=1000)
    spacing_s: float = Field(0.0, ge=0.0)
    start_s: float = Field(0.0, ge=0.0)
    target: str | None = None
    rcs_m2: float | None = Field(None, gt=0.0, le=1.0e4)
    route: list[Waypoint] | None = None
    ballistic: Ballistic | None = None
    maneuver: Maneuver | None = None
    jammer: Jammer | None = None

    @field_validator("type")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "threat")

    @field_validator("route", mode="before")
    @classmethod
    def _two_points(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) < 2:
            raise ValueError(f"a route needs at least two points, got {len(v)}")
        return v

    @model_validator(mode="after")
    def _flight(self) -> Threat:
        kind = catalog.threat(self.type).kind
        if kind == "ballistic":
            if self.ballistic is None:
                raise ValueError(
                    f"{self.type} is a ballistic missile: give a `ballistic:` block, not a route"
                )
            if self.route is not None:
                raise ValueError("give either `route` or `ballistic`, not both")
        else:
            if self.route is None:
                raise ValueError(f"{self.type} flies a route: give `route:` with at least two points")
            if self.ballistic is not None:
                raise ValueError(f"{self.type} is not a ballistic missile: `ballistic:` is not allowed")
        return self

    def member_ids(self) -> list[str]:
        """Ids of the group's members: the id itself for a single threat, else id-1 ... id-N."""
        if self.count == 1:
            return [self.id]
        return [f"{self.id}-{i + 1}" for i in range(self.count)]


class Environment(_Model):
    refraction_k: float = Field(4.0 / 3.0, gt=0.3, le=10.0)
    terrain: str | None = None
    ground_alt_m: float = Field(0.0, ge=-500.0, le=9000.0)


class Scenario(_Model):
    """A validated scenario (format version 1)."""

    samsim: Literal[1]
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seed: int = Field(0, ge=0, le=2**63 - 1)
    duration_s: float = Field(gt=0.0, le=MAX_DURATION_S)
    step_s: float = Field(0.1, gt=0.0, le=10.0)
    origin: Position | None = None
    environment: Environment = Environment()
    assets: list[Asset] = []
    batteries: list[Battery] = []
    threats: list[Threat] = []

    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        """The file the scenario was read from (None when built in Python)."""
        return self._source_path

    @property
    def terrain_path(self) -> Path | None:
        if self.environment.terrain is None:
            return None
        base = self._source_path.parent if self._source_path is not None else Path.cwd()
        return (base / self.environment.terrain).resolve()

    def origin_position(self) -> Position:
        """The geodetic origin of local positions (default: the first battery's position)."""
        if self.origin is not None:
            return self.origin
        if self.batteries:
            return self.batteries[0].position
        if self.assets:
            return self.assets[0].position
        return Position(lat_deg=0.0, lon_deg=0.0, alt_m=0.0)


def _check_name(value: str, kind: catalog.Kind) -> str:
    known = catalog.names(kind)
    if value not in known:
        raise ValueError(f"unknown {kind} {value!r} (known: {', '.join(known)})")
    return value


# ---------------------------------------------------------------------------------------------
# YAML with line numbers


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _YamlProblem(Exception):
    def __init__(self, line: int, path: PathKey, message: str):
        self.line, self.path, self.message = line, path, message


MAX_YAML_DEPTH = 64
MAX_YAML_VALUES = 200_000
MAX_ALIAS_VALUES = 5_000
"""Limits that keep hostile YAML (deep nesting, alias bombs) from exhausting the stack or memory:
far beyond any real scenario (raid-48 has ~1,000 values, nested 5 deep, and no aliases)."""


def _to_python(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    problems: list[tuple[int, PathKey, str]],
    count: list[int],
    open_nodes: set[int],
    expanded: set[int],
    in_alias: bool = False,
) -> Any:
    """Convert a composed YAML node to Python data, recording the line of every path.

    ``count`` holds [values, values reached again through aliases]; ``expanded`` the nodes already
    converted once, so a node met again is an alias whose expansion is budgeted.
    """
    line = node.start_mark.line + 1
    in_alias = in_alias or id(node) in expanded
    expanded.add(id(node))
    count[0] += 1
    count[1] += in_alias
    if count[0] > MAX_YAML_VALUES or count[1] > MAX_ALIAS_VALUES:
        raise _YamlProblem(line, (), "too large once its aliases are expanded")
    if len(path) > MAX_YAML_DEPTH:
        raise _YamlProblem(line, (), f"nested more than {MAX_YAML_DEPTH} levels deep")
    if id(node) in open_nodes:
        raise _YamlProblem(line, (), "an alias refers to a node that contains it")
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        problems.append((line, path, f"unsupported YAML tag {node.tag!r}"))
        return None
    if isinstance(node, yaml.MappingNode):
        open_nodes.add(id(node))
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append((key_node.start_mark.line + 1, path, "mapping keys must be plain names"))
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append((key_node.start_mark.line + 1, path, "mapping keys must be plain names"))
                continue
            if key in out:
                problems.append((key_node.start_mark.line + 1, (*path, str(key)), "duplicate key"))
                continue
            child: PathKey = (*path, str(key))
            lines[child] = key_node.start_mark.line + 1
            out[key] = _to_python(
                loader, value_node, child, lines, problems, count, open_nodes, expanded, in_alias
            )
        open_nodes.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        open_nodes.add(id(node))
        items = [
            _to_python(loader, item, (*path, i), lines, problems, count, open_nodes, expanded, in_alias)
            for i, item in enumerate(node.value)
        ]
        open_nodes.discard(id(node))
        return items
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> tuple[Any, dict[PathKey, int], list[tuple[int, PathKey, str]]]:
    """Parse one YAML document, keeping the line of every key and item.

    Returns ``(data, lines, problems)``; raises ``_YamlProblem`` for text that is not YAML.
    """
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise _YamlProblem(1, (), f"not valid YAML: {_first_line(exc)}") from None
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise _YamlProblem(1, (), f"nested more than {MAX_YAML_DEPTH} levels deep") from None
        except yaml.composer.ComposerError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise _YamlProblem(
                mark.line + 1 if mark else 1, (), f"not a single YAML document: {exc.problem}"
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise _YamlProblem(mark.line + 1 if mark else 1, (), f"not valid YAML: {exc.problem}") from None
        except yaml.YAMLError as exc:
            raise _YamlProblem(1, (), f"not valid YAML: {_first_line(exc)}") from None
        if node is None:
            raise _YamlProblem(1, (), "the file is empty: expected a mapping with `samsim: 1`")
        lines: dict[PathKey, int] = {}
        problems: list[tuple[int, PathKey, str]] = []
        try:
            data = _to_python(loader, node, (), lines, problems, [0, 0], set(), set())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise _YamlProblem(mark.line + 1 if mark else 1, (), f"not valid YAML: {exc.problem}") from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise _YamlProblem(1, (), f"not valid YAML: {_first_line(exc)}") from None
        except RecursionError:
            raise _YamlProblem(1, (), f"nested more than {MAX_YAML_DEPTH} levels deep") from None
        return data, lines, problems
    finally:
        loader.dispose()


def _first_line(exc: BaseException) -> str:
    """A parser message on one line (PyYAML appends the position in a second one)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(path: PathKey, lines: dict[PathKey, int]) -> int:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return 1


# ---------------------------------------------------------------------------------------------
# Validation


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
            message = f"unknown field {loc[-1]!r}"
        elif kind == "finite_number":
            message = "must be a finite number"
        elif kind == "literal_error":
            message = err["msg"].replace("Input should be", "must be")
        elif err["msg"].startswith("Input should be"):
            message = err["msg"].replace("Input should be", "must be")
        yield loc, message


def _ids(items: Any) -> Iterator[tuple[int, str]]:
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield i, item["id"]


def _cross_problems(data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """Checks across items, run on the raw data so they are reported together with schema errors."""
    asset_ids = {name for _, name in _ids(data.get("assets"))}
    for section in ("assets", "batteries", "threats"):
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
            ballistic = item.get("ballistic")
            if isinstance(ballistic, dict):
                impact = ballistic.get("impact_on")
                if isinstance(impact, str) and impact not in asset_ids:
                    yield ("threats", i, "ballistic", "impact_on"), f"no asset with id {impact!r}"
            yield from _threat_limits(i, item)
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


def _uses_local(node: Any) -> bool:
    if isinstance(node, dict):
        return "east_m" in node or any(_uses_local(v) for v in node.values())
    if isinstance(node, list):
        return any(_uses_local(v) for v in node)
    return False


def _threat_limits(i: int, item: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """Kinematic limits from the catalog: leg speeds and manoeuvre load factor."""
    ttype = item.get("type")
    if not isinstance(ttype, str) or ttype not in catalog.names("threat"):
        return
    spec = catalog.threat(ttype)
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


def validate_data(data: Any, lines: dict[PathKey, int], file: str) -> tuple[Scenario | None, list[Problem]]:
    """Validate parsed YAML data; returns the scenario (None when invalid) and the problems."""
    problems: list[Problem] = []

    def add(path: PathKey, message: str) -> None:
        problems.append(Problem(file, _line_of(path, lines), format_path(path), message))

    if not isinstance(data, dict):
        add((), f"expected a mapping with `samsim: {FORMAT_VERSION}` at the top, got {type(data).__name__}")
        return None, problems
    version = data.get("samsim")
    if version != FORMAT_VERSION:
        add(("samsim",), f"format version must be {FORMAT_VERSION} (`samsim: 1`), got {version!r}")
        return None, problems
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        for loc, message in _pydantic_problems(exc):
            add(loc, message)
    except (RecursionError, OverflowError) as exc:
        add((), f"cannot be read as a scenario: {exc}")
    for loc, message in _cross_problems(data):
        add(loc, message)
    return (scenario if not problems else None), problems


def loads(text: str, file: str = "<string>") -> Scenario:
    """Parse and validate scenario text; raises ScenarioError."""
    try:
        data, lines, yaml_problems = parse_yaml(text)
    except _YamlProblem as exc:
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
                    _line_of(("environment", "terrain"), lines),
                    "environment.terrain",
                    f"terrain file not found: {terrain}",
                )
            )
    if problems:
        raise ScenarioError(problems)
    scenario._source_path = p.resolve()
    return scenario
