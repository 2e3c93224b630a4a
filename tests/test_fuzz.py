"""Fuzzing (docs/reliability.md): the loader and `samsim validate` never fail with anything but the documented
validation error, and every valid random scenario runs with the invariants intact and reproducibly.

Short mode (``make test``): a few hundred examples, derandomised so the suite is repeatable. Long mode
(``make fuzz``): ``SAMSIM_FUZZ_EXAMPLES=N`` runs N examples of each loader test, N/5 simulations for the
invariants and N/50 determinism checks, with fresh random draws each time. The strategies are in
``tests/strategies.py``; docs/reliability.md lists what they cover and the figures of the last long run.
"""

from __future__ import annotations

import io
import os
import sys
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samsim import load, loads, simulate, write_run
from samsim.scenario import Problem, Scenario, ScenarioError
from samsim.sim.invariants import violations
from tests.conftest import EXAMPLES
from tests.strategies import (
    Mutant,
    byte_mutants,
    mutants,
    random_scenarios,
    scenario_data,
    scenario_texts,
    structural_mutants,
    text_mutants,
    to_yaml,
    yaml_documents,
)

LONG_EXAMPLES = int(os.environ.get("SAMSIM_FUZZ_EXAMPLES") or 0)
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def fuzz(short: int, long_share: float = 1.0) -> settings:
    """``short`` examples, derandomised (make test); or ``SAMSIM_FUZZ_EXAMPLES * long_share`` fresh ones."""
    if LONG_EXAMPLES:
        return settings(
            max_examples=max(short, int(LONG_EXAMPLES * long_share)),
            deadline=None,
            suppress_health_check=_SUPPRESS,
        )
    return settings(
        max_examples=short, deadline=None, derandomize=True, database=None, suppress_health_check=_SUPPRESS
    )


def _matches(problem: Problem, path: str) -> bool:
    return problem.path == path


def check_problems(exc: ScenarioError, content: str | bytes, file: str) -> None:
    """Every problem is located: the file given, a line inside the text, a message."""
    assert exc.problems, "a ScenarioError must list at least one problem"
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    n_lines = max(1, len(text.splitlines()) + 1)
    for p in exc.problems:
        assert p.file == file
        assert 1 <= p.line <= n_lines, (str(p), n_lines)
        assert p.message.strip()
    assert str(exc) == "\n".join(str(p) for p in exc.problems)


def check_mutant(m: Mutant, exc: ScenarioError | None) -> None:
    if m.path is None:
        return
    assert exc is not None, f"{m.kind} at {m.path} was accepted"
    hits = [p for p in exc.problems if _matches(p, m.path)]
    assert hits, (m.kind, m.path, [str(p) for p in exc.problems])
    if m.fragments:
        assert any(f in p.message for p in hits for f in m.fragments), (m.kind, [str(p) for p in hits])


def load_content(content: str | bytes, tmp: Path) -> ScenarioError | None:
    """Load text with ``loads`` and bytes through a file with ``load``; the ScenarioError, or None."""
    try:
        if isinstance(content, bytes):
            path = tmp / "fuzz.yaml"
            path.write_bytes(content)
            load(path)
            return None
        loads(content, "fuzz.yaml")
        return None
    except ScenarioError as exc:
        check_problems(exc, content, str(tmp / "fuzz.yaml") if isinstance(content, bytes) else "fuzz.yaml")
        return exc


def cli(*args: str) -> tuple[int, str, str]:
    """``samsim ARGS`` in this process, through the console entry point: (exit code, stdout, stderr)."""
    from samsim import cli as samsim_cli

    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with redirect_stdout(out), redirect_stderr(err), mock.patch.object(sys, "argv", ["samsim", *args]):
        try:
            samsim_cli.main()
        except SystemExit as exc:
            code = exc.code
    assert isinstance(code, int), code
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# Valid scenarios: they load, run with the invariants intact, and reproduce


@fuzz(100)
@given(scenario_data(), st.sampled_from([False, None, True]))
def test_valid_random_scenarios_load(data: dict[str, object], flow: bool | None) -> None:
    sc = loads(to_yaml(data, flow=flow))
    for key in ("batteries", "assets", "threats"):
        assert len(getattr(sc, key)) == len(data.get(key, []))  # type: ignore[arg-type]
    members = [m for t in sc.threats for m in t.member_ids()]
    assert len(members) == len(set(members)) == sum(t.count for t in sc.threats)
    assert sc.name == data["name"] and sc.duration_s == data["duration_s"]


@fuzz(30, long_share=0.2)
@given(random_scenarios(), st.integers(0, 2**32), st.booleans())
def test_simulate_random_scenarios_keeps_the_invariants(scenario: Scenario, seed: int, traj: bool) -> None:
    result = simulate(scenario, seed=seed, trajectories=traj)
    assert violations(result, scenario) == []
    assert result.totals["threats"] == sum(t.count for t in scenario.threats)
    # What the random scenarios exercised (--hypothesis-show-statistics; docs/reliability.md).
    tot = result.totals
    event("interceptors fired" if tot["interceptors_fired"] else "no interceptor fired")
    event("a threat killed" if tot["killed"] else "no threat killed")
    event("a threat leaked" if tot["leaked"] else "no threat leaked")
    event("with terrain" if scenario.environment.terrain else "flat ground")


@fuzz(5, long_share=0.02)
@given(random_scenarios(max_batteries=2, max_threat_groups=3), st.integers(0, 2**32))
def test_same_seed_same_events_summary_and_bytes(scenario: Scenario, seed: int) -> None:
    import tempfile

    a = simulate(scenario, seed=seed)
    b = simulate(scenario, seed=seed)
    assert a.events.equals(b.events)
    assert a.trajectories.equals(b.trajectories)
    assert a.summary() == b.summary()
    with tempfile.TemporaryDirectory() as tmp:
        write_run(a, Path(tmp) / "a")
        write_run(b, Path(tmp) / "b")
        for name in ("summary.json", "events.parquet", "trajectories.parquet", "scene.json", "report.html"):
            assert (Path(tmp) / "a" / name).read_bytes() == (Path(tmp) / "b" / name).read_bytes(), name


# ---------------------------------------------------------------------------------------------
# Invalid inputs: a ScenarioError naming the problem, never anything else


@fuzz(200)
@given(structural_mutants())
def test_structural_mutants_are_reported_where_they_are(m: Mutant) -> None:
    try:
        loads(m.content, "fuzz.yaml")
    except ScenarioError as exc:
        check_problems(exc, m.content, "fuzz.yaml")
        check_mutant(m, exc)
        return
    check_mutant(m, None)


@fuzz(150)
@given(text_mutants())
def test_broken_yaml_text_is_a_scenario_error(m: Mutant) -> None:
    try:
        loads(m.content, "fuzz.yaml")  # type: ignore[arg-type]
    except ScenarioError as exc:
        check_problems(exc, m.content, "fuzz.yaml")


@fuzz(100)
@given(byte_mutants())
def test_binary_junk_is_a_scenario_error(m: Mutant) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        load_content(m.content, Path(tmp))


@fuzz(100)
@given(yaml_documents())
def test_random_yaml_structures_are_a_scenario_error(text: str) -> None:
    try:
        loads(text, "fuzz.yaml")
    except ScenarioError as exc:
        check_problems(exc, text, "fuzz.yaml")


@fuzz(200)
@given(st.text(max_size=400) | st.binary(max_size=400))
def test_random_text_and_bytes_are_a_scenario_error(content: str | bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        load_content(content, Path(tmp))


@fuzz(60, long_share=0.2)
@given(mutants() | scenario_texts(max_batteries=1, max_threat_groups=2).map(lambda t: Mutant("valid", t)))
def test_cli_validate_exits_0_or_2_without_traceback(m: Mutant) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        if isinstance(m.content, bytes):
            path.write_bytes(m.content)
        else:
            path.write_text(m.content, encoding="utf-8")
        code, out, err = cli("validate", str(path))
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        assert "valid —" in out and not err
    else:
        # One problem per line, FILE:LINE: first; a YAML parser message may add indented context lines.
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert lines and lines[0].startswith(f"{path}:"), err
        assert all(ln.startswith((f"{path}:", " ")) for ln in lines), err
    if m.kind == "valid":
        assert code == 0, err
    elif m.path is not None:
        assert code == 2


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff\xfe binary",
        b"samsim: 1\nname: [unclosed\n",
        b"samsim: 1\nname: x\nduration_s: -1\nthreats: {id: 3}\n",
    ],
    ids=["binary", "broken-yaml", "invalid"],
)
def test_cli_validate_subprocess_exit_2(tmp_path: Path, content: bytes) -> None:
    import subprocess

    from tests.conftest import ROOT

    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    res = subprocess.run(
        [sys.executable, "-m", "samsim.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith(f"{path}:") and all(ln.startswith((f"{path}:", " ")) for ln in lines)


def test_example_files_load_and_fuzz_strategies_cover_every_threat_type() -> None:
    # The strategies draw from the catalog; the shipped examples stay valid next to them.
    from samsim import catalog

    for example in sorted(EXAMPLES.glob("*.yaml")):
        load(example)
    seen: set[str] = set()

    @settings(
        max_examples=200, derandomize=True, database=None, deadline=None, suppress_health_check=_SUPPRESS
    )
    @given(scenario_data(min_threat_groups=3, max_threat_groups=5))
    def collect(data: dict[str, object]) -> None:
        seen.update(t["type"] for t in data.get("threats", []))  # type: ignore[attr-defined, index]

    collect()
    assert seen >= set(catalog.names("threat"))  # and the threats the catalog sections derive


# ---------------------------------------------------------------------------------------------
# Bugs found by fuzzing, fixed since: regression tests (docs/reliability.md lists them)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 3000 + "]" * 3000,
        "samsim: 1\nx: " + "{a: " * 3000 + "1" + "}" * 3000,
        "".join("  " * i + "a:\n" for i in range(1500)),
        "samsim: 1\na: &a [*a]\n",
    ],
    ids=["deep-list", "deep-flow-map", "deep-block-map", "self-alias"],
)
def test_deeply_nested_yaml_is_a_scenario_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    code, _, err = cli("validate", str(path))
    assert code == 2, err
    with pytest.raises(ScenarioError):
        loads(text)


def _alias_bomb(levels: int, width: int = 9) -> str:
    lines = ["samsim: 1", "l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_bounded() -> None:
    normal = (EXAMPLES / "raid-48.yaml").read_text()
    tracemalloc.start()
    try:
        loads(normal)
        baseline = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        bomb = _alias_bomb(6)  # 315 bytes, 531 441 leaves once expanded (97 MB before the fix)
        with pytest.raises(ScenarioError, match="too large once its aliases are expanded"):
            loads(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Refusing a 315-byte file costs about what loading a real 3 kB scenario costs, not a hundred times it.
    assert peak < 20 * baseline, (peak, baseline)


def test_scenario_without_batteries_runs() -> None:
    sc = loads(
        "samsim: 1\nname: no-defence\nduration_s: 300\norigin: {lat_deg: 39.9, lon_deg: 32.8}\n"
        "assets: [{id: town, position: {east_m: 0, north_m: 0}, radius_m: 2000}]\n"
        "threats:\n  - {id: jet, type: F-16C, target: town, route: "
        "[{east_m: 40000, north_m: 0, up_m: 3000, speed_mps: 300}, {east_m: 0, north_m: 0, up_m: 3000}]}\n"
    )
    result = simulate(sc, seed=1)
    assert violations(result, sc) == []
    # 40 km at 300 m/s, into a 2 km radius: leaked after (40 000 - 2 000) / 300 s.
    assert result.threats[0].fate == "leaked"
    assert result.threats[0].fate_s == pytest.approx(38000 / 300, abs=1.0)


def test_two_threat_entries_with_one_id_are_rejected() -> None:
    text = (
        "samsim: 1\nname: d\nduration_s: 60\norigin: {lat_deg: 40, lon_deg: 33}\n"
        "threats:\n"
        "  - {id: X, type: F-16C, count: 2, route: [{east_m: 5.0e4, north_m: 0, up_m: 5000}, {east_m: 0, north_m: 0}]}\n"
        "  - {id: X, type: Su-34, route: [{east_m: 5.0e4, north_m: 0, up_m: 5000}, {east_m: 0, north_m: 0}]}\n"
    )
    with pytest.raises(ScenarioError, match=r"threats\[1\]\.id"):
        loads(text)
