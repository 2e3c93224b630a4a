"""The built-in catalog: public figures for air-defence systems and threats, each with its source.

The data lives in YAML files beside this module (``systems.yaml``, ``radars.yaml``,
``launchers.yaml``, ``interceptors.yaml``, ``threats.yaml``, ``sources.yaml``). A figure is written
``{value, source, note?, range?}``; ``source: ASSUMED`` marks a documented modelling assumption.
This module reads them once and offers two views: :class:`Entry` (every figure with its source, for
people: ``samsim catalog``) and typed specs (:class:`RadarSpec`, ... plain values, for the engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

Kind = Literal["system", "radar", "launcher", "interceptor", "threat"]
KIND_FILES: dict[Kind, str] = {
    "system": "systems.yaml",
    "radar": "radars.yaml",
    "launcher": "launchers.yaml",
    "interceptor": "interceptors.yaml",
    "threat": "threats.yaml",
}


@dataclass(frozen=True)
class Figure:
    """One published (or assumed) figure with where it comes from."""

    value: Any
    source: str
    note: str = ""
    range: tuple[float, float] | None = None

    @property
    def assumed(self) -> bool:
        return "ASSUMED" in self.source


@dataclass(frozen=True)
class Entry:
    """A catalog item: its figures (with sources) and its plain attributes."""

    kind: Kind
    key: str
    name: str
    figures: dict[str, Figure]
    attrs: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str, default: Any = None) -> Any:
        fig = self.figures.get(name)
        return default if fig is None else fig.value

    def sources(self) -> list[str]:
        keys: list[str] = []
        for fig in self.figures.values():
            for key in fig.source.split(","):
                key = key.strip()
                if key and key not in keys:
                    keys.append(key)
        return keys


def _is_figure(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and "source" in node


def _entry(kind: Kind, key: str, raw: dict[str, Any]) -> Entry:
    figures: dict[str, Figure] = {}
    attrs: dict[str, Any] = {}
    for name, node in raw.items():
        if _is_figure(node):
            rng = node.get("range")
            figures[name] = Figure(
                value=node["value"],
                source=str(node["source"]),
                note=str(node.get("note", "")),
                range=(float(rng[0]), float(rng[1])) if rng is not None else None,
            )
        elif name != "name":
            attrs[name] = node
    return Entry(kind=kind, key=key, name=str(raw.get("name", key)), figures=figures, attrs=attrs)


def _read_yaml(filename: str) -> dict[str, Any]:
    text = resources.files("samsim.catalog").joinpath(filename).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict), filename
    return data


@lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    """Every catalog entry by its key (keys are unique across kinds)."""
    out: dict[str, Entry] = {}
    for kind, filename in KIND_FILES.items():
        for key, raw in _read_yaml(filename).items():
            assert key not in out, f"duplicate catalog key {key}"
            out[str(key)] = _entry(kind, str(key), raw)
    return out


@lru_cache(maxsize=1)
def sources() -> dict[str, dict[str, str]]:
    """Source key -> {title, url?}."""
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in _read_yaml("sources.yaml").items()}


def names(kind: Kind) -> list[str]:
    return [key for key, e in entries().items() if e.kind == kind]


def get(key: str) -> Entry:
    """The entry called ``key``; KeyError with the known names otherwise."""
    try:
        return entries()[key]
    except KeyError:
        raise KeyError(f"unknown catalog name {key!r}") from None


# ---------------------------------------------------------------------------------------------
# Typed specs for the engine: plain SI values, no sources.


@dataclass(frozen=True)
class RadarSpec:
    key: str
    role: str
    max_range_m: float
    ref_range_m: float
    ref_rcs_m2: float
    ref_pd: float
    pfa: float
    swerling: int
    revisit_s: float
    min_elevation_deg: float
    max_elevation_deg: float
    sigma_range_m: float
    sigma_azimuth_deg: float
    sigma_elevation_deg: float
    false_alarms_per_scan: float
    mast_m: float
    frequency_ghz: float
    antenna_gain_db: float
    noise_figure_db: float
    bandwidth_mhz: float
    losses_db: float
    engaged_targets: int
    guided_missiles: int


@dataclass(frozen=True)
class LauncherSpec:
    key: str
    tubes: int
    launch_interval_s: float


@dataclass(frozen=True)
class InterceptorSpec:
    key: str
    max_range_m: float
    min_range_m: float
    min_altitude_m: float
    max_altitude_m: float
    max_target_speed_mps: float
    speed_mps: float
    warhead_kg: float
    seeker: str
    tube_fraction: float
    max_g: float
    pk_max: float
    pk_nominal: float
    terminal_error_m: float
    flyout: dict[str, float]


@dataclass(frozen=True)
class ThreatSpec:
    key: str
    kind: str
    rcs_m2: float
    swerling: int
    cruise_speed_mps: float
    max_speed_mps: float
    max_g: float
    climb_rate_mps: float
    service_ceiling_m: float
    cruise_altitude_m: float
    apogee_m: float
    range_m: float


@dataclass(frozen=True)
class SystemSpec:
    key: str
    radars: tuple[dict[str, Any], ...]
    launchers: tuple[dict[str, Any], ...]
    doctrine: dict[str, Any]
    reaction_time_s: float
    decision_period_s: float
    kill_assessment_s: float
    max_target_speed_mps: float
    ballistic_engagement_range_m: float


FLYOUT_FIELDS = (
    "launch_mass_kg",
    "diameter_m",
    "boost_propellant_kg",
    "boost_time_s",
    "sustain_propellant_kg",
    "sustain_time_s",
    "isp_s",
    "cn_max",
    "nav_ratio",
    "tau_s",
    "max_flight_s",
    "seeker_range_m",
    "loft",
    "launch_loft_rad",
    "guidance_delay_s",
)
"""Keywords of :func:`samsim.models.flyout.interceptor_params` that the catalog gives per interceptor."""


def _kind(key: str, kind: Kind) -> Entry:
    e = get(key)
    if e.kind != kind:
        raise KeyError(f"{key!r} is a {e.kind}, not a {kind}")
    return e


@cache
def radar(key: str) -> RadarSpec:
    e = _kind(key, "radar")
    v = e.value
    return RadarSpec(
        key=key,
        role=str(e.attrs.get("role", "acquisition")),
        max_range_m=float(v("max_range_m")),
        ref_range_m=float(v("ref_range_m")),
        ref_rcs_m2=float(v("ref_rcs_m2")),
        ref_pd=float(v("ref_pd")),
        pfa=float(v("pfa")),
        swerling=int(v("swerling")),
        revisit_s=float(v("revisit_s")),
        min_elevation_deg=float(v("min_elevation_deg")),
        max_elevation_deg=float(v("max_elevation_deg")),
        sigma_range_m=float(v("sigma_range_m")),
        sigma_azimuth_deg=float(v("sigma_azimuth_deg")),
        sigma_elevation_deg=float(v("sigma_elevation_deg")),
        false_alarms_per_scan=float(v("false_alarms_per_scan")),
        mast_m=float(v("mast_m")),
        frequency_ghz=float(v("frequency_ghz")),
        antenna_gain_db=float(v("antenna_gain_db")),
        noise_figure_db=float(v("noise_figure_db")),
        bandwidth_mhz=float(v("bandwidth_mhz")),
        losses_db=float(v("losses_db")),
        engaged_targets=int(v("engaged_targets", 0)),
        guided_missiles=int(v("guided_missiles", 0)),
    )


@cache
def launcher(key: str) -> LauncherSpec:
    e = _kind(key, "launcher")
    return LauncherSpec(
        key=key, tubes=int(e.value("tubes")), launch_interval_s=float(e.value("launch_interval_s"))
    )


@cache
def interceptor(key: str) -> InterceptorSpec:
    e = _kind(key, "interceptor")
    v = e.value
    return InterceptorSpec(
        key=key,
        max_range_m=float(v("max_range_m")),
        min_range_m=float(v("min_range_m")),
        min_altitude_m=float(v("min_altitude_m")),
        max_altitude_m=float(v("max_altitude_m")),
        max_target_speed_mps=float(v("max_target_speed_mps")),
        speed_mps=float(v("speed_mps")),
        warhead_kg=float(v("warhead_kg")),
        seeker=str(e.attrs.get("seeker", "active")),
        tube_fraction=float(e.attrs.get("tube_fraction", 1.0)),
        max_g=float(v("max_g")),
        pk_max=float(v("pk_max")),
        pk_nominal=float(v("pk_nominal")),
        terminal_error_m=float(v("terminal_error_m")),
        flyout={name: float(v(name)) for name in FLYOUT_FIELDS if name in e.figures},
    )


@cache
def threat(key: str) -> ThreatSpec:
    e = _kind(key, "threat")
    v = e.value
    max_speed = float(v("max_speed_mps"))
    return ThreatSpec(
        key=key,
        kind=str(e.attrs["kind"]),
        rcs_m2=float(v("rcs_m2")),
        swerling=int(v("swerling", 1)),
        cruise_speed_mps=float(v("cruise_speed_mps", max_speed)),
        max_speed_mps=max_speed,
        max_g=float(v("max_g")),
        climb_rate_mps=float(v("climb_rate_mps", 0.0)),
        service_ceiling_m=float(v("service_ceiling_m", 0.0)),
        cruise_altitude_m=float(v("cruise_altitude_m", 0.0)),
        apogee_m=float(v("apogee_m", 0.0)),
        range_m=float(v("range_m", 0.0)),
    )


@cache
def system(key: str) -> SystemSpec:
    e = _kind(key, "system")
    v = e.value
    return SystemSpec(
        key=key,
        radars=tuple(dict(r) for r in e.attrs["radars"]),
        launchers=tuple(dict(lch) for lch in e.attrs["launchers"]),
        doctrine=dict(e.attrs["doctrine"]),
        reaction_time_s=float(v("reaction_time_s")),
        decision_period_s=float(v("decision_period_s")),
        kill_assessment_s=float(v("kill_assessment_s")),
        max_target_speed_mps=float(v("max_target_speed_mps")),
        ballistic_engagement_range_m=float(v("ballistic_engagement_range_m")),
    )
