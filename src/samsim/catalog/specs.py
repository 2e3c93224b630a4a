"""Typed specs for the engine: an entry's figures as plain SI values, without sources.

One builder per kind reads an :class:`~samsim.catalog.entries.Entry` into its spec; the defaults here
(``swerling`` 1, no climb rate, ...) apply where an entry leaves a figure out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from samsim.catalog.entries import Entry
from samsim.catalog.signatures import RcsTable, rcs_table


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
    beamwidth_az_deg: float
    beamwidth_el_deg: float
    sidelobe_db: float
    sidelobe_canceller_db: float
    leading_edge_tracking: bool
    frequency_agility: bool
    pulse_compression_db: float
    clutter_improvement_db: float
    polarization: str  # "horizontal" or "vertical": the surface's reflection coefficient


@dataclass(frozen=True)
class LauncherSpec:
    key: str
    tubes: int
    launch_interval_s: float
    reload_s: float = math.inf  # an emptied launcher is reloaded from the battery's reserve in this time


@dataclass(frozen=True)
class InterceptorSpec:
    """An interceptor's envelope, kinematics and flyout parameters.

    Hashable (the flyout parameters are a tuple of pairs), so what is computed from a spec can be
    cached per spec: two scenarios that give an interceptor the same figures share the result.
    """

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
    unit_cost_usd: float
    home_on_jam: bool
    flyout_items: tuple[tuple[str, float], ...]

    @property
    def flyout(self) -> dict[str, float]:
        """Keyword arguments of :func:`samsim.models.flyout.interceptor_params` (see ``FLYOUT_FIELDS``)."""
        return dict(self.flyout_items)


@dataclass(frozen=True)
class ThreatSpec:
    """A threat's figures; a ballistic missile's motor, drag and terminal weave among them (0 where the
    entry gives none)."""

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
    min_range_m: float
    launch_mass_kg: float
    boost_propellant_kg: float
    boost_time_s: float
    isp_s: float
    diameter_m: float
    cd_scale: float
    vertical_rise_s: float
    terminal_g: float
    terminal_period_s: float
    terminal_alt_m: float
    # Anti-radiation missiles (kind ``arm``): dive, seeker and accuracy (0 where not given).
    warhead_kg: float = 0.0
    dive_deg: float = 0.0
    seeker_window_s: float = 0.0
    terminal_cep_m: float = 0.0
    memory_cep_m: float = 0.0
    terminal_acquisition_m: float = 0.0
    # A jammer the type carries (a MALD-J); None: none.
    jammer_erp_dbw: float | None = None
    jammer_bandwidth_mhz: float | None = None
    rcs_table: RcsTable | None = None  # over aspect and band; None: rcs_m2 from every angle, every band

    @property
    def boost(self) -> dict[str, float] | None:
        """Keyword arguments of :func:`samsim.models.ballistic.ballistic_missile` (see ``BOOST_FIELDS``),
        or None when the entry gives no motor (it then flies the drag-free arc)."""
        if self.launch_mass_kg <= 0.0 or self.boost_propellant_kg <= 0.0 or self.boost_time_s <= 0.0:
            return None
        return {name: float(getattr(self, name)) for name in BOOST_FIELDS}


@dataclass(frozen=True)
class EmconTimings:
    """A system's emission-control timings (its ``emcon_*`` figures), s. The defaults, for systems
    that give none, are the S-400's assumed figures (systems.yaml)."""

    switch_off_s: float = 2.0  # ARM warning -> transmitters off
    switch_on_s: float = 10.0  # decision to radiate again -> first look
    hold_off_s: float = 60.0  # silence after an ARM warning
    blink_on_s: float = 20.0  # blinking: radiating part of the cycle
    blink_off_s: float = 40.0  # blinking: silent part of the cycle


@dataclass(frozen=True)
class MoveTimings:
    """What a battery's relocation takes (its ``stow_time_min``, ``march_speed_kmh`` and
    ``deployment_time_min`` figures), in SI units: stow to march order, road march, emplace and
    radiate again at the new site."""

    stow_s: float
    march_speed_mps: float
    deploy_s: float

    def timeline(self, at_s: float, distance_m: float) -> tuple[float, float, float]:
        """``(stowed_s, arrived_s, ready_s)`` of a move ordered at ``at_s`` to a site ``distance_m``
        away: stow, march at the road speed (the road taken as long as the great circle), deploy."""
        stowed_s = at_s + self.stow_s
        arrived_s = stowed_s + distance_m / self.march_speed_mps
        return stowed_s, arrived_s, arrived_s + self.deploy_s


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
    move: MoveTimings  # relocation: stow, march, deploy
    emcon: EmconTimings = field(default_factory=EmconTimings)
    engage_on_remote: bool = False  # may fire on a network track its own engagement radar does not hold


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
    "cd_scale",
    "fin_span_m",
    "endgame_min_g",
    "endgame_min_closing_mps",
)
"""Keywords of :func:`samsim.models.flyout.interceptor_params` that the catalog gives per interceptor."""

BOOST_FIELDS = (
    "launch_mass_kg",
    "boost_propellant_kg",
    "boost_time_s",
    "isp_s",
    "diameter_m",
    "cd_scale",
    "vertical_rise_s",
)
"""Keywords of :func:`samsim.models.ballistic.ballistic_missile` that the catalog gives per ballistic
threat (the same names as the interceptors' flyout figures)."""


def radar_spec(e: Entry) -> RadarSpec:
    v = e.value
    return RadarSpec(
        key=e.key,
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
        beamwidth_az_deg=float(v("beamwidth_az_deg")),
        beamwidth_el_deg=float(v("beamwidth_el_deg")),
        sidelobe_db=float(v("sidelobe_db")),
        sidelobe_canceller_db=float(v("sidelobe_canceller_db", 0.0)),
        leading_edge_tracking=bool(v("leading_edge_tracking", False)),
        frequency_agility=bool(v("frequency_agility", False)),
        pulse_compression_db=float(v("pulse_compression_db", 0.0)),
        clutter_improvement_db=float(v("clutter_improvement_db")),
        polarization=str(e.attrs.get("polarization", "horizontal")),
    )


def launcher_spec(e: Entry) -> LauncherSpec:
    return LauncherSpec(
        key=e.key,
        tubes=int(e.value("tubes")),
        launch_interval_s=float(e.value("launch_interval_s")),
        reload_s=float(e.value("reload_s", math.inf)),
    )


def interceptor_spec(e: Entry) -> InterceptorSpec:
    v = e.value
    return InterceptorSpec(
        key=e.key,
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
        unit_cost_usd=float(v("unit_cost_usd")),
        home_on_jam=bool(v("home_on_jam", False)),
        flyout_items=tuple((name, float(v(name))) for name in FLYOUT_FIELDS if name in e.figures),
    )


def threat_spec(e: Entry) -> ThreatSpec:
    v = e.value
    max_speed = float(v("max_speed_mps"))
    return ThreatSpec(
        key=e.key,
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
        min_range_m=float(v("min_range_m", 0.0)),
        launch_mass_kg=float(v("launch_mass_kg", 0.0)),
        boost_propellant_kg=float(v("boost_propellant_kg", 0.0)),
        boost_time_s=float(v("boost_time_s", 0.0)),
        isp_s=float(v("isp_s", 0.0)),
        diameter_m=float(v("diameter_m", 0.0)),
        cd_scale=float(v("cd_scale", 1.0)),
        vertical_rise_s=float(v("vertical_rise_s", 0.0)),
        terminal_g=float(v("terminal_g", 0.0)),
        terminal_period_s=float(v("terminal_period_s", 0.0)),
        terminal_alt_m=float(v("terminal_alt_m", 0.0)),
        warhead_kg=float(v("warhead_kg", 0.0)),
        dive_deg=float(v("dive_deg", 0.0)),
        seeker_window_s=float(v("seeker_window_s", 0.0)),
        terminal_cep_m=float(v("terminal_cep_m", 0.0)),
        memory_cep_m=float(v("memory_cep_m", 0.0)),
        terminal_acquisition_m=float(v("terminal_acquisition_m", 0.0)),
        jammer_erp_dbw=_optional(v("jammer_erp_dbw")),
        jammer_bandwidth_mhz=_optional(v("jammer_bandwidth_mhz")),
        rcs_table=rcs_table(e.value("rcs_table")) if "rcs_table" in e.figures else None,
    )


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def system_spec(e: Entry) -> SystemSpec:
    v = e.value
    return SystemSpec(
        key=e.key,
        radars=tuple(dict(r) for r in e.attrs["radars"]),
        launchers=tuple(dict(lch) for lch in e.attrs["launchers"]),
        doctrine=dict(e.attrs["doctrine"]),
        reaction_time_s=float(v("reaction_time_s")),
        decision_period_s=float(v("decision_period_s")),
        kill_assessment_s=float(v("kill_assessment_s")),
        max_target_speed_mps=float(v("max_target_speed_mps")),
        ballistic_engagement_range_m=float(v("ballistic_engagement_range_m")),
        emcon=EmconTimings(
            **{
                name: float(v(f"emcon_{name}"))
                for name in ("switch_off_s", "switch_on_s", "hold_off_s", "blink_on_s", "blink_off_s")
                if v(f"emcon_{name}") is not None
            }
        ),
        engage_on_remote=bool(v("engage_on_remote", False)),
        move=_move_timings(e),
    )


def _move_timings(e: Entry) -> MoveTimings:
    """A system's relocation figures, in SI units."""
    return MoveTimings(
        stow_s=60.0 * float(e.value("stow_time_min")),
        march_speed_mps=float(e.value("march_speed_kmh")) / 3.6,
        deploy_s=60.0 * float(e.value("deployment_time_min")),
    )


def load_problem(
    launcher: LauncherSpec, load: Mapping[str, int], tube_fraction: Callable[[str], float]
) -> str | None:
    """Why ``load`` (missile name -> count) does not fit on ``launcher``, or None when it fits.

    ``tube_fraction(name)`` is the share of a tube position one missile of that name takes.
    """
    used = sum(n * tube_fraction(m) for m, n in load.items())
    if used > launcher.tubes + 1e-9:
        return (
            f"load takes {used:g} tube positions but a {launcher.key} has {launcher.tubes} "
            "(a 9M96 takes a quarter of one)"
        )
    return None
