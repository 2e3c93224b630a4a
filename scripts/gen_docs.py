"""Generate the reference pages of the documentation site from their single sources.

    python scripts/gen_docs.py            # writes docs/catalog.md and docs/scenario-reference.md
    python scripts/gen_docs.py --check    # exit 1 if either page is out of date

* ``docs/catalog.md``: every catalog entry (``src/samsim/catalog/*.yaml``) with every figure, its
  value, its public source and note; ``ASSUMED`` figures are marked.
* ``docs/scenario-reference.md``: every field of the scenario format from the pydantic schema
  (``samsim.scenario.Scenario.model_json_schema()``): type, default, constraints, and the meaning the
  schema's ``Field(description=...)`` gives; then what a scenario's ``catalog:`` section may change,
  from the catalog's kinds (``samsim.catalog.KINDS``) and entries.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samsim import catalog
from samsim.scenario import FORMAT_VERSION, Scenario

ROOT = Path(__file__).resolve().parents[1]
CATALOG_PAGE = ROOT / "docs" / "catalog.md"
SCENARIO_PAGE = ROOT / "docs" / "scenario-reference.md"
MISSING = "(not described)"

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


def _describe(prop: dict[str, Any]) -> str:
    return str(prop.get("description") or MISSING)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type_text(prop: dict[str, Any] | bool) -> tuple[str, bool]:
    """Type of a schema property as text, and whether null is allowed."""
    if not isinstance(prop, dict) or not prop:  # `true` or `{}`: anything
        return "any value", False
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
        "Sections: "
        + " · ".join(f"[{SECTION_TITLES.get(s, s)}](#{_anchor(s)})" for s in order)
        + " · [`catalog`](#catalog-overrides)",
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
                _describe(prop),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        lines.append("")
    lines += _catalog_overrides_section()
    return "\n".join(lines)


def _catalog_overrides_section() -> list[str]:
    """What a scenario's `catalog:` section may change: one row per kind, from the catalog itself."""
    entries = catalog.entries()
    limits = "; ".join(f"`{name}` {b.text}" for name, b in catalog.FIGURE_LIMITS.items())
    lines = [
        "## Catalog overrides {#catalog-overrides}",
        "",
        "Where: `catalog`. Changes to the catalog this scenario runs with, "
        "`{section: {entry: {field: value}}}`: an existing entry is patched; an entry with `base: NAME` "
        "is a new one, a copy of NAME (an entry of the built-in catalog, of the same kind) with the "
        "fields given, usable by name in the rest of the file. [Scenario files](scenario.md#catalog) "
        "explains it with an example.",
        "",
        "A number stays a finite number (a whole number where listed so), keeps the sign of the "
        "catalog's values (a figure positive for every entry stays positive) and, where the catalog "
        f"states the published range of a figure, stays within {catalog.RANGE_FACTOR:g} times it either "
        f"way. Hard limits: {limits}. Text attributes take one of the values listed.",
        "",
        "| section | entries | fields a scenario may change |",
        "|---|---|---|",
    ]
    for info in catalog.KINDS:
        kinds = catalog.field_kinds(entries, info)
        by_kind: dict[str, list[str]] = {}
        for name, what in kinds.items():
            by_kind.setdefault(what, []).append(f"`{name}`")
        fields = "; ".join(f"{what}: {', '.join(names)}" for what, names in by_kind.items())
        lines.append(f"| `{info.section}` | {_names(info.kind)} | {_cell(fields)} |")
    lines.append("")
    return lines


def missing_descriptions(schema: dict[str, Any] | None = None) -> list[str]:
    """Schema fields without a description."""
    schema = Scenario.model_json_schema() if schema is None else schema
    defs: dict[str, Any] = dict(schema.get("$defs", {}))
    defs["Scenario"] = schema
    return [
        f"{section}.{name}"
        for section, model in defs.items()
        for name, prop in model.get("properties", {}).items()
        if _describe(prop) == MISSING
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
    if isinstance(value, dict) and "aspect_deg" in value and "bands" in value:  # an rcs_table
        aspects = ", ".join(f"{a:g}" for a in value["aspect_deg"])
        bands = "; ".join(f"{b}: {', '.join(f'{x:g}' for x in row)}" for b, row in value["bands"].items())
        return f"m² at aspect {aspects}° — {bands}"
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
        "these figures: [Models](models.md); what the engine reads back from them: "
        "[Validation](validation.md#calibration-inputs-shown-as-inputs).",
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
        print(
            "fields without a description (give them Field(description=...)): " + ", ".join(missing),
            file=sys.stderr,
        )
    if stale:
        print("out of date: " + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
