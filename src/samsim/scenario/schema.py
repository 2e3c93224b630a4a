"""Scenario format version 1: the schema (pydantic v2), one model per section of the file.

Every field carries its unit in its name and its meaning in its description; the scenario reference
page of the documentation is generated from this schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from samsim import catalog

FORMAT_VERSION = 1
MAX_DURATION_S = 86400.0
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


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

    def read_from(self, path: Path) -> None:
        """Record the file this scenario came from (its terrain path is relative to it)."""
        self._source_path = path

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
