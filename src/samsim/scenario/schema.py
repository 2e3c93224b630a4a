"""Scenario format version 1: the schema (pydantic v2), one model per section of the file.

Every field carries its unit in its name and its meaning in its description; the scenario reference
page of the documentation is generated from this schema.

Names of systems, radars, launchers, interceptors and threats are checked against the catalog the
scenario runs with: the built-in one with the changes of its own ``catalog:`` section
(:meth:`samsim.catalog.Catalog.with_overrides`). :class:`Scenario` merges it before its sections are
validated and keeps it (:attr:`Scenario.merged_catalog`).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from samsim.c2.doctrine import FIRE_POLICIES
from samsim.catalog import (
    MAX_LAUNCHERS,
    MAX_MAST_M,
    MAX_RADAR_OFFSET_M,
    SECTIONS,
    Catalog,
    CatalogError,
    Kind,
    builtin,
    unknown_name,
)
from samsim.models.ballistic import Profile

FORMAT_VERSION = 1
MAX_DURATION_S = 86400.0
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
MIN_ALT_M = -12000.0
DEFAULT_LINK_LATENCY_S = float(builtin().get("S-400").value("command_post_link_latency_s"))
"""Latency of a track or kill-assessment message between a battery and its command post, s: the
catalog's S-400 ``command_post_link_latency_s`` (ASSUMED, with its reasoning there)."""
MAX_ALT_M = 2.0e6

CATALOG_CONTEXT = "samsim_catalog"
"""Validation context key: a :class:`~samsim.catalog.Catalog` already merged from the data's
``catalog:`` section (by :func:`samsim.scenario.validate_data`, which reports its problems itself)."""

_ACTIVE: ContextVar[Catalog | None] = ContextVar("samsim_scenario_catalog", default=None)
"""The catalog of the scenario being validated, for the name checks of its sections."""


def _catalog() -> Catalog:
    """The catalog names are checked against: the scenario's, or the built-in one outside a scenario."""
    return _ACTIVE.get() or builtin()


def _known(kind: Kind) -> str:
    return ", ".join(f"`{n}`" for n in builtin().names(kind))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Position(_Model):
    """A point: geodetic ``{lat_deg, lon_deg, alt_m}`` (WGS-84, alt above MSL) or local
    ``{east_m, north_m, up_m}`` relative to the scenario ``origin``."""

    lat_deg: float | None = Field(None, ge=-90.0, le=90.0, description="WGS-84 latitude, degrees")
    lon_deg: float | None = Field(None, ge=-180.0, le=180.0, description="WGS-84 longitude, degrees")
    alt_m: float | None = Field(
        None,
        ge=MIN_ALT_M,
        le=MAX_ALT_M,
        description='altitude above MSL, m; leave out for "on the ground" (DEM height or '
        "`environment.ground_alt_m`)",
    )
    east_m: float | None = Field(None, ge=-2.0e7, le=2.0e7, description="local position east of `origin`, m")
    north_m: float | None = Field(
        None, ge=-2.0e7, le=2.0e7, description="local position north of `origin`, m"
    )
    up_m: float | None = Field(
        None, ge=MIN_ALT_M, le=MAX_ALT_M, description="local height above `origin`'s tangent plane, m"
    )

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

    alt_m: float | None = Field(
        None,
        ge=MIN_ALT_M,
        le=MAX_ALT_M,
        description="altitude above MSL (or above ground with `agl: true`) flown on the leg that starts "
        "here, m; a missing value repeats the previous one",
    )
    speed_mps: float | None = Field(
        None,
        gt=0.0,
        le=10000.0,
        description="speed on the leg that starts here, m/s (at most the threat's maximum); a missing "
        "value repeats the previous one",
    )
    agl: bool = Field(
        False, description="`alt_m` is a height above the ground (terrain-following once reached)"
    )


class Doctrine(_Model):
    """Engagement rules; every field left out comes from the system template."""

    @field_validator("policy")
    @classmethod
    def _registered_policy(cls, v: str | None) -> str | None:
        if v is not None and v not in FIRE_POLICIES:
            raise ValueError(f"must be one of {', '.join(repr(p) for p in FIRE_POLICIES)}, got {v!r}")
        return v

    salvo: int | None = Field(None, ge=1, le=8, description="interceptors per engagement")
    policy: str | None = Field(
        None,
        description="fire policy, one of the registered ones (samsim.c2.doctrine): `shoot-look-shoot` "
        "waits for the kill assessment before re-engaging; `shoot-shoot` may fire a second salvo "
        "before the first arrives",
        json_schema_extra={"enum": list(FIRE_POLICIES)},
    )
    weapons: Literal["free", "hold"] | None = Field(
        None, description="`free`, or `hold` (detect and track, never fire)"
    )
    min_pk: float | None = Field(
        None, ge=0.0, le=1.0, description="do not fire below this planned single-shot kill probability"
    )
    reaction_time_s: float | None = Field(
        None, ge=0.0, le=3600.0, description="time from firm track to first launch, s"
    )
    high_value_reserve: dict[str, int] | None = Field(
        None,
        description="missiles kept for aircraft and ballistic missiles: missile type -> count; once only "
        "that many of a type are left on the launchers, it is no longer fired at cruise missiles or drones "
        "(replaces the template's reserve; `{}` keeps none)",
    )

    emcon: Literal["always_on", "blink", "shutdown_on_arm"] | None = Field(
        None,
        description="emission control: `always_on`; `blink` (the radars radiate in bursts, the system's "
        "`emcon_blink_on_s` on and `emcon_blink_off_s` off); `shutdown_on_arm` (an ARM warning from any "
        "radar of the scenario turns the battery's radars off after `emcon_switch_off_s`, for "
        "`emcon_hold_off_s`, and back on after `emcon_switch_on_s`)",
    )

    @field_validator("high_value_reserve")
    @classmethod
    def _reserve(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        for name, count in (v or {}).items():
            _check_name(name, "interceptor")
            if count < 0:
                raise ValueError(f"{name}: a reserve cannot be negative, got {count}")
        return v


class RadarConfig(_Model):
    """One radar of a battery, in place of the template's radars."""

    type: str = Field(description=f"catalog radar ({_known('radar')}) or one the scenario's `catalog:` adds")
    offset_m: tuple[float, float, float] = Field(
        (0.0, 0.0, 0.0),
        description="[east, north, up] from the battery position, m "
        f"(within {MAX_RADAR_OFFSET_M / 1000:g} km)",
    )
    mast_m: float | None = Field(
        None, ge=0.0, le=MAX_MAST_M, description="antenna height above its site, m; default: the catalog's"
    )

    @field_validator("type")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "radar")

    @field_validator("offset_m")
    @classmethod
    def _near(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(abs(c) > MAX_RADAR_OFFSET_M for c in v):
            raise ValueError(
                f"radar offsets from the battery position must be within {MAX_RADAR_OFFSET_M / 1000:g} km"
            )
        return v


class LauncherConfig(_Model):
    """Launchers of one type and what each carries, in place of the template's launchers."""

    type: str = Field(
        description=f"catalog launcher ({_known('launcher')}) or one the scenario's `catalog:` adds"
    )
    count: int = Field(1, ge=1, le=MAX_LAUNCHERS, description="number of launchers of this type")
    load: dict[str, int] = Field(
        description=f"missiles per launcher, `{{interceptor: count}}` ({_known('interceptor')}); a 9M96 "
        "takes a quarter of a tube"
    )

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
        problem = _catalog().load_problem(self.type, self.load)
        if problem is not None:
            raise ValueError(problem)
        return self


class Move(_Model):
    """A relocation of a battery: at ``at_s`` it stops radiating and firing, stows, marches to ``to``
    and deploys there (its system's catalog `stow_time_min`, `march_speed_kmh`, `deployment_time_min`)."""

    at_s: float = Field(
        ge=0.0, description="when the battery is ordered to move (stops radiating and firing), s"
    )
    to: Position = Field(
        description="the new site; the march covers the great-circle distance from the present one"
    )


class Battery(_Model):
    """An air-defence battery: a system template at a site, with what the scenario changes in it."""

    id: str = Field(pattern=ID_PATTERN, max_length=64, description="unique name")
    system: str = Field(
        description=f"catalog system template: radars, launchers, missiles, doctrine ({_known('system')}), "
        "or one the scenario's `catalog:` adds"
    )
    position: Position = Field(
        description="the site; radars stand at its altitude plus their offset and mast"
    )
    radars: list[RadarConfig] | None = Field(None, description="replaces the template's radars")
    launchers: list[LauncherConfig] | None = Field(None, description="replaces the template's launchers")
    doctrine: Doctrine = Field(Doctrine(), description="overrides of the template's doctrine")
    radiate_from_s: float = Field(
        0.0, ge=0.0, description="emission control: the battery's radars are silent before this time, s"
    )
    command: Literal["autonomous"] | None = Field(
        None,
        description="`autonomous`: the battery fights alone (its own air picture and decisions) and "
        "joins no command post; left out, it joins the one that lists it in `commands`, or without "
        "`commands` the scenario's single integrated defence",
    )
    reserve: dict[str, int] = Field(
        {},
        description="reload rounds on the battery's transloaders, `{interceptor: count}`: an emptied "
        "launcher is reloaded from them (the launcher's reload time, catalog `reload_s`)",
    )
    moves: list[Move] = Field(
        [],
        description="relocations, in time order: from each `at_s` the battery neither detects nor fires "
        "until it has stowed, marched and deployed at `to` (a move starts after the previous one ended)",
    )

    @field_validator("system")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_name(v, "system")

    @field_validator("reserve")
    @classmethod
    def _reserve(cls, v: dict[str, int]) -> dict[str, int]:
        for name, count in v.items():
            _check_name(name, "interceptor")
            if count < 0:
                raise ValueError(f"{name}: a reserve cannot be negative, got {count}")
        return v

    @field_validator("radars")
    @classmethod
    def _some_radar(cls, v: list[RadarConfig] | None) -> list[RadarConfig] | None:
        if v is not None and not v:
            raise ValueError("a battery needs at least one radar (leave the field out for the template's)")
        return v


class Command(_Model):
    """A command post (55K6E class) directing several batteries as one defence: one air picture fused
    from all their radars, one weapon–target assignment over all their fire units."""

    id: str = Field(pattern=ID_PATTERN, max_length=64, description="unique name")
    position: Position | None = Field(
        None, description="where the command post stands; default: the scenario origin"
    )
    batteries: list[str] | None = Field(
        None,
        description="ids of the batteries it directs (a battery joins at most one command post); "
        "default: every battery not `command: autonomous`",
    )
    link_latency_s: float = Field(
        DEFAULT_LINK_LATENCY_S,
        ge=0.0,
        le=600.0,
        description="delay of track and kill-assessment messages between a battery and the post, s "
        f"(default {DEFAULT_LINK_LATENCY_S:g}, ASSUMED)",
    )
    reaction_s: float | None = Field(
        None,
        ge=0.0,
        le=3600.0,
        description="time from a firm network track to the first launch at it, s; default: the first "
        "battery's reaction time",
    )
    destroyed_s: float | None = Field(
        None, ge=0.0, description="the post is destroyed at this time: its batteries fight on alone, s"
    )
    cut_s: float | None = Field(
        None,
        ge=0.0,
        description="the post's links are cut at this time (jammed, cables severed): its batteries fight "
        "on alone, s",
    )


class Asset(_Model):
    """A defended place: what the threats fly at."""

    id: str = Field(pattern=ID_PATTERN, max_length=64, description="unique name")
    position: Position = Field(description="where it is")
    radius_m: float = Field(
        1000.0,
        gt=0.0,
        le=1.0e6,
        description="a threat whose ground track comes within this distance has **leaked** (at any "
        "height), m",
    )
    value: float = Field(
        1.0, gt=0.0, le=1.0e9, description="weight in threat evaluation and weapon–target assignment"
    )


class Maneuver(_Model):
    """A lateral weave flown along the route."""

    kind: Literal["weave"] = Field(description="`weave`: sinusoidal lateral offset")
    g: float = Field(
        gt=0.0, le=100.0, description="lateral acceleration of the weave, g (at most the threat's limit)"
    )
    period_s: float = Field(gt=0.0, le=3600.0, description="weave period, s")


class Jammer(_Model):
    """Noise jammer carried by the threat (self-screening, or an escort's stand-off jammer)."""

    erp_dbw: float = Field(ge=-100.0, le=100.0, description="effective radiated power toward the radar, dBW")
    bandwidth_mhz: float = Field(
        gt=0.0,
        le=1.0e5,
        description="noise bandwidth, MHz (J ∝ 1/R²; the echo burns through at short range)",
    )


class Deception(_Model):
    """Repeater (deception) jammer carried by the threat: range-gate pull-off and DRFM false targets."""

    js_db: float = Field(
        ge=-30.0,
        le=60.0,
        description="jammer-to-signal ratio of the repeater's copy at the radar, dB (a constant-gain "
        "repeater: independent of range)",
    )
    drfm: bool = Field(
        True, description="coherent digital RF memory (compressed like the echo, follows frequency agility)"
    )
    rgpo_mps2: float | None = Field(
        None, gt=0.0, le=1.0e4, description="range-gate pull-off acceleration, m/s²; none: no pull-off"
    )
    rgpo_hold_s: float = Field(1.0, ge=0.0, le=600.0, description="hold on the echo before each pull-off, s")
    rgpo_max_offset_m: float = Field(
        3000.0,
        gt=0.0,
        le=1.0e5,
        description="pull-off distance at which the jammer stops and a cycle ends, m",
    )
    false_targets: int = Field(0, ge=0, le=50, description="DRFM false targets per look, behind the threat")
    false_target_spacing_m: float = Field(
        2000.0, gt=0.0, le=1.0e5, description="range spacing of the false targets, m"
    )


class BallisticLaunch(_Model):
    """A point on the ground: where a ballistic missile is launched, or where it lands."""

    lat_deg: float = Field(ge=-90.0, le=90.0, description="WGS-84 latitude, degrees")
    lon_deg: float = Field(ge=-180.0, le=180.0, description="WGS-84 longitude, degrees")
    alt_m: float = Field(0.0, ge=MIN_ALT_M, le=10000.0, description="height above MSL, m")


class Ballistic(_Model):
    """The flight of a ballistic missile: launch, impact and the shape of its trajectory."""

    launch: BallisticLaunch = Field(description="launch point")
    impact_on: str | None = Field(None, description="asset id to impact on (give this or `impact`)")
    impact: BallisticLaunch | None = Field(None, description="impact point (give this or `impact_on`)")
    profile: Profile | None = Field(
        None,
        description="trajectory shape: `min_energy` (the least energy that reaches the impact point; the "
        "default), `depressed` (apogee half the minimum-energy one: flatter, shorter flight, more speed) "
        "or `lofted` (twice: steeper, longer); give this or `apogee_m`",
    )
    apogee_m: float | None = Field(
        None, gt=0.0, le=2.0e6, description="apogee height above MSL, m, instead of a `profile`"
    )
    launch_s: float = Field(0.0, ge=0.0, description="launch time, s")

    @model_validator(mode="after")
    def _one_target(self) -> Ballistic:
        if (self.impact_on is None) == (self.impact is None):
            raise ValueError("give exactly one of impact_on (an asset id) or impact (a point)")
        if self.profile is not None and self.apogee_m is not None:
            raise ValueError("give either `profile` or `apogee_m`, not both")
        return self

    @property
    def shape(self) -> Profile:
        """The profile flown when no apogee is given."""
        return self.profile if self.profile is not None else "min_energy"


class ArmLaunch(_Model):
    """Where and how an anti-radiation missile is launched."""

    lat_deg: float = Field(ge=-90.0, le=90.0, description="WGS-84 latitude of the launch point, degrees")
    lon_deg: float = Field(ge=-180.0, le=180.0, description="WGS-84 longitude of the launch point, degrees")
    alt_m: float = Field(ge=0.0, le=30000.0, description="launch altitude above MSL, m")
    speed_mps: float | None = Field(
        None, gt=0.0, le=10000.0, description="flight speed, m/s; default: the type's cruise speed"
    )


class RadarTarget(_Model):
    """The radar an anti-radiation missile is fired at."""

    battery: str = Field(description="battery id")
    radar: str = Field(
        description="radar of that battery: its type (`92N6E`), or its id (`92N6E-2`) when the battery has "
        "several of a type"
    )


class Threat(_Model):
    """A threat, or a group of identical ones flying the same route one after another."""

    id: str = Field(
        pattern=ID_PATTERN,
        max_length=64,
        description="unique name; a group (`count > 1`) has members `id-1 … id-N`",
    )
    type: str = Field(
        description=f"catalog threat ({_known('threat')}) or one the scenario's `catalog:` adds"
    )
    count: int = Field(1, ge=1, le=1000, description="group size")
    spacing_s: float = Field(0.0, ge=0.0, description="interval between the group members' start times, s")
    start_s: float = Field(0.0, ge=0.0, description="time at the first waypoint, s")
    target: str | RadarTarget | None = Field(
        None,
        description="asset id: where it leaks, and what threat evaluation weighs first; for an "
        "anti-radiation missile (catalog kind `arm`) the radar it is fired at, `{battery, radar}`",
    )
    rcs_m2: float | None = Field(
        None, gt=0.0, le=1.0e4, description="radar cross-section of these threats, m²; default: the catalog's"
    )
    route: list[Waypoint] | None = Field(
        None, description="waypoints (at least two), for every kind but `ballistic`"
    )
    ballistic: Ballistic | None = Field(
        None, description="launch, impact and trajectory shape, for catalog kind `ballistic`"
    )
    maneuver: Maneuver | None = Field(
        None,
        description="lateral weave; a ballistic missile weaves in its terminal phase only, and this "
        "replaces its catalog weave (`terminal_g`, `terminal_period_s`)",
    )
    jammer: Jammer | None = Field(
        None,
        description="noise jammer the threat carries: it jams every radar through the antenna pattern "
        "(self-screening in the main lobe, stand-off through the sidelobes); default: the catalog "
        "type's jammer (an EA-18G's, a MALD-J's), else none",
    )
    deception: Deception | None = Field(
        None, description="repeater jammer: range-gate pull-off and DRFM false targets"
    )
    launch: ArmLaunch | None = Field(
        None, description="launch point and speed, for catalog kind `arm` (anti-radiation missiles)"
    )

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
        kind = _catalog().threat(self.type).kind
        if kind == "arm":
            if self.launch is None or not isinstance(self.target, RadarTarget):
                raise ValueError(
                    f"{self.type} is an anti-radiation missile: "
                    "give `launch:` and `target: {battery, radar}`"
                )
            if self.route is not None or self.ballistic is not None:
                raise ValueError(
                    f"{self.type} is an anti-radiation missile: it flies from `launch:`, no route"
                )
            return self
        if self.launch is not None:
            raise ValueError(f"{self.type} is not an anti-radiation missile: `launch:` is not allowed")
        if isinstance(self.target, RadarTarget):
            raise ValueError(f"{self.type} is not an anti-radiation missile: `target` is an asset id")
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
    """The earth the scenario happens on: refraction, terrain, ground height and the surface that
    reflects and clutters the radars' low beams."""

    refraction_k: float = Field(
        4.0 / 3.0,
        gt=0.3,
        le=10.0,
        description="effective earth-radius factor k of the radar horizon (4/3: standard atmosphere)",
    )
    terrain: str | None = Field(
        None,
        description="GeoTIFF DEM, path relative to the scenario file; masks lines of sight and carries "
        "`agl` routes",
    )
    ground_alt_m: float = Field(
        0.0, ge=-500.0, le=9000.0, description="flat ground height above MSL when there is no DEM, m"
    )
    surface: Literal["land", "sea", "none"] = Field(
        "land",
        description="the surface under the radars' low beams: `land` or `sea` reflect (two-ray multipath "
        "lobes, F⁴) and return clutter; `none` is free space with no clutter",
    )
    roughness_m: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="rms height of the surface's irregularities, m (specular scattering factor); "
        "default 1 m on land, 0.3 m at sea (about sea state 3)",
    )
    relative_permittivity: float | None = Field(
        None,
        ge=1.0,
        le=100.0,
        description="relative permittivity ε_r of the surface; default 15 land, 70 sea",
    )
    conductivity_s_per_m: float | None = Field(
        None, ge=0.0, le=10.0, description="conductivity σ of the surface, S/m; default 0.005 land, 4 sea"
    )
    clutter_gamma_db: float | None = Field(
        None,
        ge=-60.0,
        le=0.0,
        description="constant-γ clutter reflectivity (σ⁰ = γ sin ψ), dB; default -15 land, -30 sea",
    )


class Scenario(_Model):
    """A validated scenario (format version 1)."""

    samsim: Literal[1] = Field(description="format version; must be `1`")
    name: str = Field(
        min_length=1,
        max_length=200,
        description="name of the scenario (shown in tables, reports and `summary.json`)",
    )
    description: str = Field("", description="free text")
    seed: int = Field(
        0,
        ge=0,
        le=2**63 - 1,
        description="random seed of `samsim run` (overridden by `--seed`); Monte Carlo run i uses the "
        "i-th child of `numpy.random.SeedSequence(seed)`",
    )
    duration_s: float = Field(
        gt=0.0, le=MAX_DURATION_S, description=f"simulated time, s (at most {MAX_DURATION_S:g})"
    )
    step_s: float = Field(
        0.1,
        gt=0.0,
        le=10.0,
        description="engine step for guided flight (the interceptor flyout's inner step), s",
    )
    origin: Position | None = Field(
        None,
        description="geodetic origin of local `{east_m, north_m, up_m}` positions; default: the first "
        "battery's position",
    )
    environment: Environment = Field(
        Environment(), description="refraction, terrain, ground height and the reflecting surface"
    )
    catalog: dict[str, Any] | None = Field(
        None,
        description="changes to the catalog for this scenario: `{section: {entry: {field: value}}}` "
        f"with sections {', '.join(f'`{s}`' for s in SECTIONS)}; an entry with `base: NAME` is a new "
        "one, a copy of NAME with the fields given (see [Catalog overrides](#catalog-overrides))",
    )
    assets: list[Asset] = Field([], description="what the threats fly at")
    batteries: list[Battery] = Field([], description="the air-defence batteries")
    commands: list[Command] = Field(
        [],
        description="command posts and the batteries each directs; without any, all batteries not "
        "`command: autonomous` form one integrated defence (when there are two or more)",
    )
    threats: list[Threat] = Field([], description="aircraft, cruise missiles, drones and ballistic missiles")

    _source_path: Path | None = PrivateAttr(default=None)
    _catalog: tuple[object, Catalog] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _against_its_catalog(
        cls, data: Any, handler: ModelWrapValidatorHandler[Scenario], info: ValidationInfo
    ) -> Scenario:
        """Validate the sections against the catalog with this scenario's own changes."""
        if isinstance(data, Scenario):
            return handler(data)
        given = (info.context or {}).get(CATALOG_CONTEXT)
        merged = given if isinstance(given, Catalog) else _merge_catalog(data)
        token = _ACTIVE.set(merged)
        try:
            scenario = handler(data)
        finally:
            _ACTIVE.reset(token)
        scenario._catalog = (scenario.catalog, merged)
        return scenario

    @property
    def merged_catalog(self) -> Catalog:
        """The catalog this scenario runs with: the built-in one with its ``catalog:`` changes."""
        if self._catalog is None or self._catalog[0] is not self.catalog:
            self._catalog = (self.catalog, builtin().with_overrides(self.catalog))
        return self._catalog[1]

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


def _merge_catalog(data: Any) -> Catalog:
    """The catalog of raw scenario data (built-in when it has no valid ``catalog:`` mapping)."""
    changes = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(changes, dict):
        return builtin()
    try:
        return builtin().with_overrides(changes)
    except CatalogError as exc:
        raise ValueError(f"catalog: {exc}") from None


def _check_name(value: str, kind: Kind) -> str:
    known = _catalog().names(kind)
    if value not in known:
        raise ValueError(unknown_name(kind, value, known))
    return value
