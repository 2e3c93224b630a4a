"""Generate the reference pages of the documentation site from their single sources.

    python scripts/gen_docs.py            # writes docs/catalog.md and docs/scenario-reference.md
    python scripts/gen_docs.py --check    # exit 1 if either page is out of date

* ``docs/catalog.md``: every catalog entry (``src/samsim/catalog/*.yaml``) with every figure, its
  value, its public source and note; ``ASSUMED`` figures are marked.
* ``docs/scenario-reference.md``: every field of the scenario format from the pydantic schema
  (``samsim.scenario.Scenario.model_json_schema()``): type, default, constraints, and a meaning taken
  from the schema's own description or, where the schema has none, from :data:`FIELD_DOCS` below.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samsim import catalog
from samsim.scenario import FORMAT_VERSION, MAX_DURATION_S, Scenario

ROOT = Path(__file__).resolve().parents[1]
CATALOG_PAGE = ROOT / "docs" / "catalog.md"
SCENARIO_PAGE = ROOT / "docs" / "scenario-reference.md"
MISSING = "(not described)"

# Meanings of the schema's fields where the model has no description of its own (section ->
# field -> text). A field the schema gains without an entry here shows MISSING and fails
# tests/test_docs.py: describe it here, or with ``Field(description=...)`` in samsim.scenario.
FIELD_DOCS: dict[str, dict[str, str]] = {
    "Scenario": {
        "samsim": "format version; must be `1`",
        "name": "name of the scenario (shown in tables, reports and `summary.json`)",
        "description": "free text",
        "seed": "random seed of `samsim run` (overridden by `--seed`); Monte Carlo run i uses the "
        "i-th child of `numpy.random.SeedSequence(seed)`",
        "duration_s": f"simulated time, s (at most {MAX_DURATION_S:g})",
        "step_s": "engine step for guided flight (the interceptor flyout's inner step), s",
        "origin": "geodetic origin of local `{east_m, north_m, up_m}` positions; default: the first "
        "battery's position",
        "environment": "refraction, terrain and ground height",
        "assets": "what the threats fly at",
        "batteries": "the air-defence batteries",
        "threats": "aircraft, cruise missiles, drones and ballistic missiles",
    },
    "Environment": {
        "refraction_k": "effective earth-radius factor k of the radar horizon (4/3: standard atmosphere)",
        "terrain": "GeoTIFF DEM, path relative to the scenario file; masks lines of sight and carries "
        "`agl` routes",
        "ground_alt_m": "flat ground height above MSL when there is no DEM",
    },
    "Asset": {
        "id": "unique name",
        "position": "where it is",
        "radius_m": "a threat whose ground track comes within this distance has **leaked** (at any height)",
        "value": "weight in threat evaluation and weapon–target assignment",
    },
    "Battery": {
        "id": "unique name",
        "system": "catalog system template: radars, launchers, missiles, doctrine ({systems})",
        "position": "the site; radars stand at its altitude plus their offset and mast",
        "radars": "replaces the template's radars",
        "launchers": "replaces the template's launchers",
        "doctrine": "overrides of the template's doctrine",
        "radiate_from_s": "emission control: the battery's radars are silent before this time, s",
    },
    "RadarConfig": {
        "type": "catalog radar ({radars})",
        "offset_m": "[east, north, up] from the battery position, m (within 50 km)",
        "mast_m": "antenna height above its site, m; default: the catalog's",
    },
    "LauncherConfig": {
        "type": "catalog launcher ({launchers})",
        "count": "number of launchers of this type",
        "load": "missiles per launcher, `{interceptor: count}` ({interceptors}); a 9M96 takes a "
        "quarter of a tube",
    },
    "Doctrine": {
        "salvo": "interceptors per engagement",
        "policy": "`shoot-look-shoot` waits for the kill assessment before re-engaging; "
        "`shoot-shoot` may fire a second salvo before the first arrives",
        "weapons": "`free`, or `hold` (detect and track, never fire)",
        "min_pk": "do not fire below this planned single-shot kill probability",
        "reaction_time_s": "time from firm track to first launch, s",
    },
    "Threat": {
        "id": "unique name; a group (`count > 1`) has members `id-1 … id-N`",
        "type": "catalog threat ({threats})",
        "count": "group size",
        "spacing_s": "interval between the group members' start times, s",
        "start_s": "time at the first waypoint, s",
        "target": "asset id: where it leaks, and what threat evaluation weighs first",
        "rcs_m2": "override of the catalog radar cross-section, m²",
        "route": "waypoints (at least two), for every kind but `ballistic`",
        "ballistic": "launch, impact and apogee, for catalog kind `ballistic`",
        "maneuver": "lateral weave",
        "jammer": "self-screening noise jammer",
    },
    "Waypoint": {
        "lat_deg": "WGS-84 latitude, degrees",
        "lon_deg": "WGS-84 longitude, degrees",
        "alt_m": "altitude above MSL (or above ground with `agl: true`) flown on the leg that starts "
        "here; a missing value repeats the previous one",
        "east_m": "local position east of `origin`, m",
        "north_m": "local position north of `origin`, m",
        "up_m": "local height above `origin`'s tangent plane, m",
        "speed_mps": "speed on the leg that starts here, m/s (at most the catalog maximum); a missing "
        "value repeats the previous one",
        "agl": "`alt_m` is a height above the ground (terrain-following once reached)",
    },
    "Maneuver": {
        "kind": "`weave`: sinusoidal lateral offset",
        "g": "lateral acceleration of the weave, g (at most the catalog limit)",
        "period_s": "weave period, s",
    },
    "Jammer": {
        "erp_dbw": "effective radiated power toward the radar, dBW",
        "bandwidth_mhz": "noise bandwidth, MHz (J ∝ 1/R²; the echo burns through at short range)",
    },
    "Ballistic": {
        "launch": "launch point",
        "impact_on": "asset id to impact on (give this or `impact`)",
        "impact": "impact point (give this or `impact_on`)",
        "apogee_m": "apogee height, m; default: the catalog's",
        "launch_s": "launch time, s",
    },
    "BallisticLaunch": {
        "lat_deg": "WGS-84 latitude, degrees",
        "lon_deg": "WGS-84 longitude, degrees",
        "alt_m": "height above MSL, m",
    },
    "Position": {
        "lat_deg": "WGS-84 latitude, degrees",
        "lon_deg": "WGS-84 longitude, degrees",
        "alt_m": 'altitude above MSL, m; leave out for "on the ground" (DEM height or '
        "`environment.ground_alt_m`)",
        "east_m": "local position east of `origin`, m",
        "north_m": "local position north of `origin`, m",
        "up_m": "local height above `origin`'s tangent plane, m",
    },
}

SECTION_ORDER = [
    "Scenario",
    "Environment",
    "Asset",
    "Battery",
    "RadarConfig",
    "LauncherConfig",
    "Doctrine",
    "Threat",
    "Waypoint",
    "Maneuver",
    "Jammer",
    "Ballistic",
    "BallisticLaunch",
    "Position",
]
SECTION_TITLES = {
    "Scenario": "Scenario (top level)",
    "Environment": "`environment`",
    "Asset": "`assets[]`",
    "Battery": "`batteries[]`",
    "RadarConfig": "`batteries[].radars[]`",
    "LauncherConfig": "`batteries[].launchers[]`",
    "Doctrine": "`batteries[].doctrine`",
    "Threat": "`threats[]`",
    "Waypoint": "`threats[].route[]`",
    "Maneuver": "`threats[].maneuver`",
    "Jammer": "`threats[].jammer`",
    "Ballistic": "`threats[].ballistic`",
    "BallisticLaunch": "`threats[].ballistic.launch` / `.impact`",
    "Position": "positions (`origin`, `position`)",
}


def _anchor(name: str) -> str:
    return name.lower()


def _names(kind: catalog.Kind) -> str:
    return ", ".join(f"`{n}`" for n in catalog.names(kind))


def _describe(section: str, field: str, prop: dict[str, Any]) -> str:
    text = prop.get("description") or FIELD_DOCS.get(section, {}).get(field)
    if not text:
        return MISSING
    for key, kind in (
        ("{systems}", "system"),
        ("{radars}", "radar"),
        ("{launchers}", "launcher"),
        ("{interceptors}", "interceptor"),
        ("{threats}", "threat"),
    ):
        text = text.replace(key, _names(kind))  # type: ignore[arg-type]
    return str(text)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type_text(prop: dict[str, Any]) -> tuple[str, bool]:
    """Type of a schema property as text, and whether null is allowed."""
    if "anyOf" in prop:
        parts = [p for p in prop["anyOf"] if p.get("type") != "null"]
        nullable = len(parts) < len(prop["anyOf"])
        texts = [_type_text(p)[0] for p in parts]
        return " or ".join(texts), nullable
    if "$ref" in prop:
        name = _ref_name(prop["$ref"])
        return f"[{name}](#{_anchor(name)})", False
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`", False
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"]), False
    kind = prop.get("type")
    if kind == "array":
        if "prefixItems" in prop:
            inner = ", ".join(_type_text(p)[0] for p in prop["prefixItems"])
            return f"[{inner}]", False
        return f"list of {_type_text(prop.get('items', {}))[0]}", False
    if kind == "object" and "additionalProperties" in prop:
        value = _type_text(prop["additionalProperties"])[0]
        return f"mapping of name → {value}", False
    return {"number": "number", "integer": "integer", "string": "text", "boolean": "true/false"}.get(
        str(kind), str(kind)
    ), False


def _constraints(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return "; ".join(c for c in (_constraints(p) for p in prop["anyOf"]) if c)
    out = []
    for key, sym in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if key in prop:
            out.append(f"{sym} {prop[key]:g}")
    if prop.get("minLength") == 1:
        out.append("not empty")
    elif "minLength" in prop:
        out.append(f"at least {prop['minLength']} characters")
    if "maxLength" in prop:
        out.append(f"at most {prop['maxLength']} characters")
    if "pattern" in prop:
        out.append(f"pattern `{prop['pattern']}`")
    if "minItems" in prop:
        out.append(f"at least {prop['minItems']} items")
    return ", ".join(out)


def _default(name: str, prop: dict[str, Any], required: set[str]) -> str:
    if name in required:
        return "**required**"
    if "default" not in prop:
        return ""
    value = prop["default"]
    if value is None:
        return "none"
    if isinstance(value, dict):
        return "see its section"
    if isinstance(value, list):
        return "`[]`" if not value else f"`{json.dumps(value)}`"
    if isinstance(value, float):
        return f"`{value:.6g}`"
    return f"`{json.dumps(value)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_scenario_reference(schema: dict[str, Any] | None = None) -> str:
    """The scenario reference page from the pydantic JSON schema."""
    schema = Scenario.model_json_schema() if schema is None else schema
    defs: dict[str, Any] = dict(schema.get("$defs", {}))
    defs["Scenario"] = {k: v for k, v in schema.items() if k != "$defs"}
    order = [s for s in SECTION_ORDER if s in defs] + sorted(s for s in defs if s not in SECTION_ORDER)
    lines = [
        "# Scenario reference",
        "",
        "<!-- generated by scripts/gen_docs.py from samsim.scenario.Scenario.model_json_schema(); "
        "do not edit by hand -->",
        "",
        f"Every field of the scenario format (version {FORMAT_VERSION}), generated from the validating "
        "schema itself. Units are SI and carried in the field name. For the narrative (positions, ground "
        "and horizon, how routes are flown, what validation catches) see [Scenario files](scenario.md); "
        "for the names of systems, radars, launchers, interceptors and threats see the "
        "[Catalog](catalog.md). Unknown fields are errors; `samsim validate FILE` lists every problem "
        "as `FILE:LINE: field.path: message`.",
        "",
        "Sections: " + " · ".join(f"[{SECTION_TITLES.get(s, s)}](#{_anchor(s)})" for s in order),
        "",
    ]
    for section in order:
        model = defs[section]
        required = set(model.get("required", []))
        lines += [f"## {section} {{#{_anchor(section)}}}", ""]
        if section in SECTION_TITLES and section != "Scenario":
            lines += [f"Where: {SECTION_TITLES[section]}.", ""]
        if model.get("description"):
            lines += [" ".join(model["description"].split()), ""]
        lines += ["| field | type | default | constraints | meaning |", "|---|---|---|---|---|"]
        for name, prop in model.get("properties", {}).items():
            kind, nullable = _type_text(prop)
            if nullable and name not in required and prop.get("default", 0) is None:
                kind += " (optional)"
            row = [
                f"`{name}`",
                kind,
                _default(name, prop, required),
                _constraints(prop),
                _describe(section, name, prop),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        lines.append("")
    return "\n".join(lines)


def missing_descriptions(schema: dict[str, Any] | None = None) -> list[str]:
    """Schema fields without a meaning (neither in the schema nor in FIELD_DOCS)."""
    schema = Scenario.model_json_schema() if schema is None else schema
    defs: dict[str, Any] = dict(schema.get("$defs", {}))
    defs["Scenario"] = schema
    return [
        f"{section}.{name}"
        for section, model in defs.items()
        for name, prop in model.get("properties", {}).items()
        if _describe(section, name, prop) == MISSING
    ]


# ---------------------------------------------------------------------------------------------------
# Catalog

KIND_TITLES: list[tuple[catalog.Kind, str]] = [
    ("system", "Systems"),
    ("radar", "Radars"),
    ("launcher", "Launchers"),
    ("interceptor", "Interceptors"),
    ("threat", "Threats"),
]


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)
    if isinstance(value, list):
        return " – ".join(_value_text(v) for v in value)
    return str(value)


def _source_links(source: str) -> str:
    keys = [k.strip() for k in source.split(",") if k.strip()]
    return ", ".join("**ASSUMED**" if k == "ASSUMED" else f"[{k}](#src-{k.lower()})" for k in keys)


def _attr_text(name: str, value: Any) -> str:
    if name == "radars":
        return ", ".join(
            f"{r['type']} at [{', '.join(str(c) for c in r.get('offset_m', [0, 0, 0]))}] m" for r in value
        )
    if name == "launchers":
        return ", ".join(
            f"{lc['count']} × {lc['type']} ({', '.join(f'{n} × {m}' for m, n in lc['load'].items())})"
            for lc in value
        )
    if name == "doctrine":
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return _value_text(value)


def render_catalog() -> str:
    """The catalog page from the catalog YAML files."""
    entries = catalog.entries()
    sources = catalog.sources()
    lines = [
        "# Catalog",
        "",
        "<!-- generated by scripts/gen_docs.py from src/samsim/catalog/*.yaml; do not edit by hand -->",
        "",
        "The built-in systems and threats, every figure with the public source it comes from (`samsim "
        "catalog NAME` prints the same in a terminal). **ASSUMED** marks a documented modelling "
        "assumption where no public figure exists; its note gives the reasoning. Where sources "
        "disagree, *range* keeps their spread and *value* is the one samsim uses. How the models use "
        "these figures: [Models](models.md); how well they reproduce them: "
        "[Validation](validation.md#published-claims).",
        "",
    ]
    for kind, title in KIND_TITLES:
        keys = catalog.names(kind)
        lines += [f"## {title}", "", " · ".join(f"[{k}](#{_entry_anchor(k)})" for k in keys), ""]
        for key in keys:
            e = entries[key]
            assumed = sum(f.assumed for f in e.figures.values())
            lines += [f"### {key} {{#{_entry_anchor(key)}}}", "", f"{e.name}.", ""]
            for name, value in e.attrs.items():
                lines.append(f"- {name}: {_cell(_attr_text(name, value))}")
            if e.attrs:
                lines.append("")
            lines += [
                f"{len(e.figures)} figures, {len(e.figures) - assumed} published, {assumed} assumed.",
                "",
                "| figure | value | source | note |",
                "|---|---|---|---|",
            ]
            for name, fig in e.figures.items():
                note = fig.note
                if fig.range is not None:
                    spread = f"published range {_value_text(fig.range[0])} – {_value_text(fig.range[1])}"
                    note = f"{spread}; {note}" if note else spread
                value = _cell(_value_text(fig.value))
                lines.append(f"| `{name}` | {value} | {_source_links(fig.source)} | {_cell(note)} |")
            lines.append("")
    lines += ["## Sources", "", "| key | source |", "|---|---|"]
    for key, src in sources.items():
        title = _cell(src.get("title", key))
        url = src.get("url")
        cell = f"[{title}]({url})" if url else title
        lines.append(f'| <span id="src-{key.lower()}"></span>{key} | {cell} |')
    lines.append("")
    return "\n".join(lines)


def _entry_anchor(key: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() else "-" for ch in key.lower())


PAGES: dict[Path, Callable[[], str]] = {
    CATALOG_PAGE: render_catalog,
    SCENARIO_PAGE: render_scenario_reference,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="exit 1 if a page is out of date; write nothing")
    args = ap.parse_args(argv)
    stale = []
    for path, render in PAGES.items():
        text = render()
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    missing = missing_descriptions()
    if missing:
        print("fields without a description (add them to FIELD_DOCS): " + ", ".join(missing), file=sys.stderr)
    if stale:
        print("out of date: " + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
