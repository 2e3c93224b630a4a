"""The systems an S-400 regiment fights beside and the strike weapons it faces: every entry loads into
its spec, every figure names a listed public source or is marked assumed with its reasoning, the
system templates are complete, and the ballistic threats' motors reach their published ranges.

(The interceptors' published maximum ranges are compared with the emergent envelope in
tests/coverage/test_envelope.py and their speeds with the flyout in tests/models/test_flyout.py, for
every catalog interceptor.)"""

from __future__ import annotations

import pytest

from samsim import catalog
from samsim.models.ballistic import ShotError, ballistic_missile, solve_shot

WIDER_SYSTEM = {
    "system": ["Pantsir-S1", "S-300PS", "Patriot", "NASAMS", "IRIS-T SLM"],
    "radar": ["1RS1-1E", "1RS2-1E", "5N63S", "MPQ-65", "MPQ-64F1", "TRML-4D"],
    "launcher": ["96K6-CV", "5P85S", "M903", "NASAMS-LCHR", "IRIS-T-SLM-LCHR"],
    "interceptor": ["57E6E", "5V55R", "PAC-2-GEM-T", "PAC-3-MSE", "AIM-120C-7", "IRIS-T-SL"],
    "threat": ["Kh-101", "Kh-555", "Kh-47M2", "Kh-22", "Kh-32"],
}
SPEC_OF = {
    "system": catalog.system,
    "radar": catalog.radar,
    "launcher": catalog.launcher,
    "interceptor": catalog.interceptor,
    "threat": catalog.threat,
}
ALL_ENTRIES = sorted(catalog.entries())

LAUNCH_ALT_M = {"Iskander-M": 0.0, "Kh-47M2": 10_000.0}
"""Launch height of each ballistic threat with a motor: the Kinzhal is released from a MiG-31K (the
scenario schema's highest launch point, 10 km, is taken)."""


@pytest.mark.parametrize(("kind", "key"), [(k, n) for k, names in WIDER_SYSTEM.items() for n in names])
def test_each_new_entry_loads_into_its_spec(kind: str, key: str) -> None:
    entry = catalog.get(key)
    assert entry.kind == kind
    spec = SPEC_OF[kind](key)
    assert spec.key == key
    assert entry.figures, key


@pytest.mark.parametrize("key", ALL_ENTRIES)
def test_every_figure_names_a_listed_source_or_is_an_explained_assumption(key: str) -> None:
    known = catalog.sources()
    for name, fig in catalog.get(key).figures.items():
        cited = [s.strip() for s in fig.source.split(",") if s.strip()]
        assert cited, f"{key}.{name} has no source"
        unknown = [s for s in cited if s not in known]
        assert not unknown, f"{key}.{name} cites {unknown}, not in sources.yaml"
        if cited == ["ASSUMED"] and name not in ("ref_pd", "ref_rcs_m2", "swerling"):
            # an assumption says why, except the few the file header explains once for every radar
            assert fig.note or _explained_by_header(key, name), f"{key}.{name} is assumed without a note"


def _explained_by_header(key: str, name: str) -> bool:
    """Figures the older entries leave without a note: the radars' receiver and accuracy figures and
    the template timings the catalog files explain once in their headers."""
    return catalog.get(key).kind in ("radar", "system") or name in ("max_g", "climb_rate_mps")


@pytest.mark.parametrize("system", WIDER_SYSTEM["system"])
def test_system_templates_are_complete(system: str) -> None:
    spec = catalog.system(system)
    cat = catalog.builtin()
    roles = [catalog.radar(r["type"]).role for r in spec.radars]
    assert "engagement" in roles  # the engine's fire channels come from the engagement radar
    fire_control = catalog.radar(spec.radars[roles.index("engagement")]["type"])
    assert fire_control.engaged_targets >= 1 and fire_control.guided_missiles >= 1
    for launcher in spec.launchers:
        assert cat.load_problem(launcher["type"], launcher["load"]) is None
        for missile in launcher["load"]:
            assert catalog.interceptor(missile).max_range_m > 0
    assert spec.doctrine["weapons"] == "free" and spec.doctrine["salvo"] >= 1
    assert spec.reaction_time_s > 0 and spec.max_target_speed_mps > 0


def test_patriot_launcher_takes_twelve_pac3_mse_or_four_gem_t() -> None:
    cat = catalog.builtin()
    assert cat.load_problem("M903", {"PAC-3-MSE": 12}) is None
    assert cat.load_problem("M903", {"PAC-2-GEM-T": 4}) is None
    assert cat.load_problem("M903", {"PAC-3-MSE": 13}) is not None
    assert cat.load_problem("M903", {"PAC-2-GEM-T": 2, "PAC-3-MSE": 6}) is None


def test_pantsir_guns_are_said_to_be_left_out() -> None:
    assert "guns are not modelled" in catalog.get("96K6-CV").figures["tubes"].note
    assert "not modelled" in catalog.get("Pantsir-S1").name


def test_command_post_figures_of_the_s400_regiment() -> None:
    entry = catalog.get("S-400")
    figures = {
        name: entry.figures[name]
        for name in (
            "command_post_battalions",
            "command_post_max_distance_m",
            "command_post_reaction_s",
            "command_post_link_latency_s",
        )
    }
    assert figures["command_post_battalions"].value == 8
    assert figures["command_post_max_distance_m"].value == 100_000
    assert "WIKI-S400" in figures["command_post_battalions"].source
    for name in ("command_post_reaction_s", "command_post_link_latency_s"):
        assert figures[name].assumed and figures[name].note and figures[name].value > 0


def test_every_ballistic_threat_with_a_motor_has_a_launch_height_here() -> None:
    with_motor = [k for k in catalog.names("threat") if catalog.threat(k).boost is not None]
    assert sorted(with_motor) == sorted(LAUNCH_ALT_M)


@pytest.mark.parametrize("name", sorted(LAUNCH_ALT_M))
def test_ballistic_motor_reaches_the_published_range_within_the_published_speed(name: str) -> None:
    spec = catalog.threat(name)
    assert spec.boost is not None
    missile = ballistic_missile(**spec.boost)
    shot = solve_shot(missile, spec.range_m, launch_alt_m=LAUNCH_ALT_M[name])
    assert shot.peak_speed_mps <= spec.max_speed_mps
    # the motor is sized for the range, not far beyond it: 25 % more is out of reach
    with pytest.raises(ShotError, match="more energy than the motor gives"):
        solve_shot(missile, 1.25 * spec.range_m, launch_alt_m=LAUNCH_ALT_M[name])


@pytest.mark.parametrize("name", ["Kh-101", "Kh-555", "Kh-22", "Kh-32"])
def test_cruise_threats_fly_below_their_top_speed(name: str) -> None:
    spec = catalog.threat(name)
    assert spec.kind == "cruise_missile"
    assert 0 < spec.cruise_speed_mps <= spec.max_speed_mps
    assert spec.cruise_altitude_m > 0 and spec.range_m > 0
