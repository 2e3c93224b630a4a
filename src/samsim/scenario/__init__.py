"""Scenario files (format version 1): schema, YAML with line numbers, validation.

``load(path)`` returns a validated :class:`Scenario` or raises :class:`ScenarioError` with every
problem as ``FILE:LINE: field.path: message``.
"""

from __future__ import annotations

from samsim.scenario.problems import PathKey, Problem, ScenarioError, format_path, line_of
from samsim.scenario.schema import (
    DEFAULT_LINK_LATENCY_S,
    FORMAT_VERSION,
    MAX_DURATION_S,
    ArmLaunch,
    Asset,
    Ballistic,
    Battery,
    Command,
    Doctrine,
    Environment,
    Jammer,
    LauncherConfig,
    Maneuver,
    Move,
    Position,
    RadarConfig,
    RadarTarget,
    Scenario,
    Threat,
    Waypoint,
)
from samsim.scenario.validate import load, loads, validate_data
from samsim.scenario.yaml_source import YamlProblem, parse_yaml

__all__ = [
    "DEFAULT_LINK_LATENCY_S",
    "FORMAT_VERSION",
    "MAX_DURATION_S",
    "ArmLaunch",
    "Asset",
    "Ballistic",
    "Battery",
    "Command",
    "Doctrine",
    "Environment",
    "Jammer",
    "LauncherConfig",
    "Maneuver",
    "Move",
    "PathKey",
    "Position",
    "Problem",
    "RadarConfig",
    "RadarTarget",
    "Scenario",
    "ScenarioError",
    "Threat",
    "Waypoint",
    "YamlProblem",
    "format_path",
    "line_of",
    "load",
    "loads",
    "parse_yaml",
    "validate_data",
]
