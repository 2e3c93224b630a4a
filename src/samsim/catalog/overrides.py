"""Changes to the catalog: patches of existing entries and new entries derived from them.

The changes come as a mapping of sections (:data:`~samsim.catalog.kinds.SECTIONS`) to entries to
fields, as a scenario's ``catalog:`` writes them::

    radars:
      91N6E: {ref_range_m: 300000}                  # patch an entry
    threats:
      F-35A-export: {base: F-35A, rcs_m2: 0.01}     # a new entry: a copy of its base, then patched

Rules (docs/scenario.md, "catalog"):

* a patch may change any figure the catalog gives for entries of that kind, and the attributes the
  engine reads (:attr:`~samsim.catalog.kinds.KindInfo.attributes`); descriptive ones (``band``,
  ``seeker``, a system's ``doctrine``, which a battery sets itself) cannot be changed;
* a value keeps the catalog's type: a number stays a finite number, a whole number where the engine
  reads a count (``swerling``, ``tubes``) or the catalog writes one for a figure the engine does not
  read; text stays text; a flag (``home_on_jam``) stays true or false; an attribute with named values
  (``role``, ``kind``) takes one the catalog uses;
* a number keeps the catalog's sign (a figure that is positive for every entry stays positive), stays
  within the hard limits of :data:`FIGURE_LIMITS`, and, where the catalog states the published
  ``range`` of a figure, within :data:`RANGE_FACTOR` times that range either way;
* ``base`` names an entry of the same kind in the catalog being changed (built-in figures, not
  another change of the same set); a new entry's name must be new across every kind;
* after merging, every system template's radars, launchers and missiles exist and its loads fit, a
  ``min_x`` figure is not above its ``max_x``, and a ballistic threat has an apogee.

Every problem is reported with its path below ``catalog:``, and every change is recorded as an
:class:`Override` (what it was, what it is now) for the run's summary.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from samsim.catalog.entries import Entry, Figure, Kind
from samsim.catalog.kinds import BY_KIND, BY_SECTION, SECTIONS, KindInfo
from samsim.catalog.signatures import rcs_table_problems
from samsim.catalog.specs import FLYOUT_FIELDS, interceptor_spec, launcher_spec, load_problem

PathKey = tuple[str | int, ...]
"""A place below ``catalog:``: section, entry, field, then list indices and keys inside a value."""

OverrideProblem = tuple[PathKey, str]

SCENARIO_SOURCE = "SCENARIO"
"""The ``source`` of a figure that a scenario set."""

RANGE_FACTOR = 10.0
"""A changed figure stays within this factor of the published range the catalog states for it."""

MAX_MAGNITUDE = 1.0e12
"""No figure is larger than this in magnitude (counts stay far inside 64-bit integers)."""

MAX_RADAR_OFFSET_M = 50_000.0
"""A radar stands within this distance of its battery's position (east, north and up)."""
MAX_MAST_M = 200.0
"""Highest antenna mast or tower above the radar's site."""
MAX_LAUNCHERS = 100
"""Most launchers of one type in a battery."""

_NEW_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _+\-]{0,62}[A-Za-z0-9_+\-]|[A-Za-z0-9]")
"""A new entry's name: no dots or brackets, so that ``catalog.threats.NAME.rcs_m2`` stays a plain path."""


@dataclass(frozen=True)
class Bounds:
    """Hard limits of a figure, whatever the catalog gives."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    why: str = ""

    @property
    def text(self) -> str:
        """The limits in words: ``> 0 and < 1 (a probability)``."""
        lo = f"{'>' if self.lo_open else '>='} {self.lo:g}"
        hi = f"{'<' if self.hi_open else '<='} {self.hi:g}"
        text = hi if self.lo == -math.inf else lo if self.hi == math.inf else f"{lo} and {hi}"
        return text + (f" ({self.why})" if self.why else "")

    def problem(self, x: float) -> str | None:
        """``must be ...`` when ``x`` is outside the limits, else None."""
        below = x <= self.lo if self.lo_open else x < self.lo
        above = x >= self.hi if self.hi_open else x > self.hi
        return f"must be {self.text}" if below or above else None


FIGURE_LIMITS: dict[str, Bounds] = {
    "pfa": Bounds(0.0, 1.0, True, True, "a probability"),
    "ref_pd": Bounds(0.0, 1.0, True, True, "a probability"),
    "pk_max": Bounds(0.0, 1.0, why="a probability"),
    "pk_nominal": Bounds(0.0, 1.0, why="a probability"),
    "min_elevation_deg": Bounds(-90.0, 90.0),
    "max_elevation_deg": Bounds(-90.0, 90.0),
    "tube_fraction": Bounds(0.0, 1.0, lo_open=True, why="a share of one tube position"),
}
"""Hard limits by figure name (any kind); they replace the sign rule for these figures."""

FIGURE_CHOICES: dict[str, tuple[int, ...]] = {"swerling": (0, 1, 3)}
"""Figures that take one of a few values: the Swerling cases the detection model implements."""


@dataclass(frozen=True)
class Override:
    """One change to the catalog: a field of a patched entry, or of a new entry derived from ``base``.

    ``original`` is the value before the change (of the patched entry, or of ``base`` for a new
    entry; None where it had no such field). A new entry that changes nothing is recorded once, with
    ``field`` None.
    """

    kind: Kind
    entry: str
    field: str | None
    value: Any
    original: Any
    base: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The record as written to summary.json."""
        return {
            "kind": self.kind,
            "entry": self.entry,
            "field": self.field,
            "value": self.value,
            "original": self.original,
            "base": self.base,
        }


@dataclass
class Merged:
    """The outcome of :func:`merge`: the entries after the changes, what changed, what was wrong."""

    entries: dict[str, Entry]
    overrides: list[Override] = field(default_factory=list)
    problems: list[OverrideProblem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Messages


def close_match(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to ``word`` (difflib ratio >= 0.6, ignoring case), or None."""
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(word.strip().lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``" (did you mean 'X'?)"`` for the closest choice, or an empty string."""
    match = close_match(word, choices)
    return f" (did you mean {match!r}?)" if match is not None else ""


def unknown_name(kind: str, name: str, known: Sequence[str]) -> str:
    """The message for a name that is not an entry of ``kind``."""
    return f"unknown {kind} {name!r}{did_you_mean(name, known)}; known: {', '.join(known)}"


def _what(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _yaml_number_hint(value: Any) -> str:
    """YAML 1.1 reads ``1e-6`` (no dot) as text: say so when text would have been a number."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return " (YAML reads a number without a dot in its mantissa as text: write 1.0e-6, not 1e-6)"
    return ""


# ---------------------------------------------------------------------------------------------
# What a field of a kind may hold


@cache
def _spec_types(spec_type: type) -> dict[str, Any]:
    return typing.get_type_hints(spec_type)


def _catalog_values(entries: Mapping[str, Entry], kind: Kind, name: str) -> list[Any]:
    """The values the catalog gives for field ``name`` of its entries of ``kind``."""
    out: list[Any] = []
    for e in entries.values():
        if e.kind != kind:
            continue
        if name in e.figures:
            out.append(e.figures[name].value)
        elif name in e.attrs:
            out.append(e.attrs[name])
    return out


def _is_count(info: KindInfo, name: str, values: Sequence[Any]) -> bool:
    """Whether a numeric field takes whole numbers: as the engine reads it, else as the catalog writes it."""
    if name in FLYOUT_FIELDS:
        return False
    hint = _spec_types(info.spec_type).get(name)
    if hint is not None:
        return bool(hint is int)
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _number_problem(
    name: str, value: Any, *, count: bool, values: Sequence[Any], published: tuple[float, float] | None
) -> str | None:
    """What is wrong with a number for figure ``name``, given the catalog's ``values`` of it and its
    ``published`` range; None when nothing is."""
    kind_text = "a whole number" if count else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be {kind_text}, not {_what(value)}{_yaml_number_hint(value)}"
    if count and not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    if not math.isfinite(value):
        return "must be a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return f"must be at most {MAX_MAGNITUDE:g} in magnitude"
    choices = FIGURE_CHOICES.get(name)
    limits = FIGURE_LIMITS.get(name)
    if choices is not None:
        if value not in choices:
            return f"must be one of {', '.join(str(c) for c in choices)}"
    elif limits is not None:
        found = limits.problem(float(value))
        if found is not None:
            return found
    else:
        numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers and min(numbers) > 0.0 and value <= 0:
            return "must be > 0 (the catalog's values are all positive)"
        if numbers and min(numbers) >= 0.0 and value < 0:
            return "must be >= 0 (the catalog's values are never negative)"
    if published is not None and published[0] > 0.0:
        lo, hi = published[0] / RANGE_FACTOR, published[1] * RANGE_FACTOR
        if not lo * (1.0 - 1e-9) <= value <= hi * (1.0 + 1e-9):  # 0.0015 / 10 is not 0.00015 in floats
            return (
                f"must be between {lo:g} and {hi:g}: within {RANGE_FACTOR:g} times the published range "
                f"{published[0]:g}-{published[1]:g}"
            )
    return None


def _value_problems(
    info: KindInfo, name: str, value: Any, reference: Entry, entries: Mapping[str, Entry]
) -> Iterator[tuple[PathKey, str]]:
    """What is wrong with ``value`` for field ``name`` of ``reference`` (figure or plain attribute)."""
    values = _catalog_values(entries, info.kind, name)  # never empty: the field is one of the kind's
    is_attr = name in info.attributes
    current = None if is_attr else reference.figures.get(name)
    if is_attr:
        sample = reference.attrs.get(name, values[0] if values else None)
    else:
        sample = current.value if current is not None else values[0]
    if name in _TEMPLATE_LISTS:
        yield from _template_list(name, value)
    elif isinstance(sample, bool):
        if not isinstance(value, bool):
            yield (), f"must be true or false, not {_what(value)}"
    elif name in _STRUCTURED:
        yield from _STRUCTURED[name](value)
    elif isinstance(sample, str):
        if not isinstance(value, str) or not value.strip():
            yield (), f"must be text, not {_what(value)}"
        elif is_attr:
            choices = sorted({str(v) for v in values})
            if value not in choices:
                yield (), f"must be one of {', '.join(choices)}{did_you_mean(value, choices)}"
        elif len(value) > 200:
            yield (), "must be at most 200 characters"
    elif isinstance(sample, list):
        if not isinstance(value, list) or len(value) != len(sample):
            yield (), f"must be a list of {len(sample)} numbers, not {_what(value)}"
            return
        for i, item in enumerate(value):
            found = _number_problem(name, item, count=False, values=[], published=None)
            if found is not None:
                yield (i,), found
    else:
        count = _is_count(info, name, values)
        published = current.range if current is not None else None
        found = _number_problem(name, value, count=count, values=values, published=published)
        if found is not None:
            yield (), found


def _item_number(value: Any, bounds: Bounds, *, count: bool = False) -> str | None:
    """What is wrong with a number inside a template's radar or launcher item."""
    found = _number_problem("", value, count=count, values=[], published=None)
    return found or bounds.problem(float(value))


def _radar_item(item: Mapping[Any, Any]) -> Iterator[tuple[PathKey, str]]:
    """A system template's radar ``{type, offset_m?, mast_m?}`` (names are checked after merging)."""
    offset = item.get("offset_m", [0.0, 0.0, 0.0])
    if not isinstance(offset, list) or len(offset) != 3:
        yield ("offset_m",), f"must be [east, north, up] in metres, not {_what(offset)}"
    else:
        for k, c in enumerate(offset):
            found = _item_number(c, Bounds(-MAX_RADAR_OFFSET_M, MAX_RADAR_OFFSET_M))
            if found is not None:
                yield ("offset_m", k), found
    if "mast_m" in item:
        found = _item_number(item["mast_m"], Bounds(0.0, MAX_MAST_M))
        if found is not None:
            yield ("mast_m",), found


def _launcher_item(item: Mapping[Any, Any]) -> Iterator[tuple[PathKey, str]]:
    """A system template's launchers ``{type, count?, load: {missile: n}}`` (one launcher by default)."""
    if "count" in item:
        found = _item_number(item["count"], Bounds(1, MAX_LAUNCHERS), count=True)
        if found is not None:
            yield ("count",), found
    load = item.get("load")
    if not isinstance(load, Mapping) or not load:
        yield ("load",), f"must be a mapping of missile names to counts, not {_what(load)}"
        return
    for missile, n in load.items():
        found = _item_number(n, Bounds(0), count=True)
        if found is not None:
            yield ("load", str(missile)), found


_TEMPLATE_LISTS: dict[
    str, tuple[str, tuple[str, ...], Callable[[Mapping[Any, Any]], Iterator[tuple[PathKey, str]]]]
] = {
    "radars": ("radar", ("type", "offset_m", "mast_m"), _radar_item),
    "launchers": ("launcher", ("type", "count", "load"), _launcher_item),
}
"""Attributes holding lists of mappings: what an item is, its fields, and the check of one item."""


_STRUCTURED: dict[str, Callable[[Any], Iterator[tuple[PathKey, str]]]] = {"rcs_table": rcs_table_problems}
"""Figures whose value is a structure of its own, each with its check (paths inside the value)."""


def _template_list(name: str, value: Any) -> Iterator[tuple[PathKey, str]]:
    """A system template's ``radars`` or ``launchers``: a list of at least one mapping."""
    what, fields, check = _TEMPLATE_LISTS[name]
    if not isinstance(value, list) or not value:
        yield (), f"must be a list of at least one {what}, not {_what(value)}"
        return
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            yield (i,), f"must be a mapping {{{', '.join(fields)}}}, not {_what(item)}"
            continue
        for key in item:
            if key not in fields:
                yield (i, str(key)), f"unknown field {str(key)!r}{did_you_mean(str(key), fields)}"
        if "type" not in item:
            yield (i, "type"), "required field is missing"
        elif not isinstance(item["type"], str):
            yield (i, "type"), f"must be the name of a {what}, not {_what(item['type'])}"
        if what == "launcher" and "load" not in item:
            yield (i, "load"), "required field is missing"
        else:
            yield from (((i, *p), m) for p, m in check(item))


# ---------------------------------------------------------------------------------------------
# Merging


@dataclass
class _Merge:
    """The state of one merge: the entries it builds and where each change was written."""

    base: Mapping[str, Entry]
    out: dict[str, Entry]
    result: Merged
    at: dict[tuple[str, str], PathKey] = field(default_factory=dict)  # (entry, field) -> path
    touched: dict[str, PathKey] = field(default_factory=dict)  # entry -> path

    def problem(self, path: PathKey, message: str) -> None:
        self.result.problems.append((path, message))


def _names(entries: Mapping[str, Entry], kind: Kind) -> list[str]:
    return [k for k, e in entries.items() if e.kind == kind]


def _fields(entries: Mapping[str, Entry], info: KindInfo) -> tuple[list[str], list[str]]:
    """The fields a change may set for ``info.kind``, and the descriptive attributes it may not."""
    figures: dict[str, None] = {}
    descriptive: dict[str, None] = {"name": None}
    for e in entries.values():
        if e.kind == info.kind:
            figures.update(dict.fromkeys(e.figures))
            descriptive.update(dict.fromkeys(a for a in e.attrs if a not in info.attributes))
    return [*figures, *info.attributes], list(descriptive)


def field_kinds(entries: Mapping[str, Entry], info: KindInfo) -> dict[str, str]:
    """What each field a change may set for ``info.kind`` takes, in words (for the documentation)."""
    allowed, _ = _fields(entries, info)
    out: dict[str, str] = {}
    for name in allowed:
        values = _catalog_values(entries, info.kind, name)
        sample = values[0] if values else None
        if name in _TEMPLATE_LISTS:
            out[name] = f"list of {name}"
        elif name in _STRUCTURED:
            out[name] = "table {aspect_deg, bands, elevation_deg?}"
        elif isinstance(sample, str):
            out[name] = "one of " + ", ".join(sorted(set(values))) if name in info.attributes else "text"
        elif isinstance(sample, list):
            out[name] = f"list of {len(sample)} numbers"
        elif name in FIGURE_CHOICES:
            out[name] = "one of " + ", ".join(str(c) for c in FIGURE_CHOICES[name])
        else:
            out[name] = "whole number" if _is_count(info, name, values) else "number"
    return out


def _start(
    m: _Merge, info: KindInfo, name: str, patch: Mapping[Any, Any], path: PathKey
) -> tuple[Entry, str | None] | None:
    """The entry a change starts from (the entry itself, or the base of a new one) and the base's name."""
    existing = m.out.get(name)
    if "base" not in patch:
        if existing is None:
            known = _names(m.base, info.kind)
            m.problem(
                path,
                f"unknown {info.kind} {name!r}{did_you_mean(name, known)}: a new entry needs `base:` naming "
                f"the {info.kind} it starts from",
            )
            return None
        if existing.kind != info.kind:
            m.problem(
                path,
                f"{name!r} is a {existing.kind}, not a {info.kind}: change it under "
                f"catalog.{BY_KIND[existing.kind].section}",
            )
            return None
        return existing, None
    base_name = patch["base"]
    if not isinstance(base_name, str):
        m.problem((*path, "base"), f"must be the name of a {info.kind}, not {_what(base_name)}")
        return None
    base = m.base.get(base_name)
    if base is None:
        m.problem((*path, "base"), unknown_name(info.kind, base_name, _names(m.base, info.kind)))
        return None
    if base.kind != info.kind:
        m.problem((*path, "base"), f"{base_name!r} is a {base.kind}, not a {info.kind}")
        return None
    if existing is not None:
        where = "of the catalog" if name in m.base else "defined above"
        m.problem(
            path,
            f"{name!r} is already a {existing.kind} {where}: leave out `base:` to change it, "
            "or give the new entry a name of its own",
        )
        return None
    if not _NEW_NAME.fullmatch(name):
        m.problem(
            path,
            "a new entry's name starts with a letter or digit and has only letters, digits, spaces "
            "and _ + - (at most 64 characters)",
        )
        return None
    return base, base_name


def _apply(entry: Entry, info: KindInfo, name: str, value: Any) -> None:
    """Set field ``name`` of ``entry`` (a fresh copy owned by the merge)."""
    if name in info.attributes:
        if name == "launchers":  # a template launcher without a count is one launcher
            value = [{"count": 1, **item} for item in value]
        entry.attrs[name] = value
        return
    old = entry.figures.get(name)
    note = "set by the scenario" + (f"; catalog value {old.value}" if old is not None else "")
    entry.figures[name] = Figure(
        value=value, source=SCENARIO_SOURCE, note=note, range=old.range if old is not None else None
    )


def _merge_entry(m: _Merge, info: KindInfo, name: str, patch: Any, path: PathKey) -> None:
    if not isinstance(patch, Mapping):
        m.problem(
            path, f"must be a mapping of field: value (and `base:` for a new entry), not {_what(patch)}"
        )
        return
    started = _start(m, info, name, patch, path)
    if started is None:
        return
    original, base_name = started
    entry = Entry(
        kind=info.kind,
        key=name,
        name=original.name if base_name is None else f"{name} (scenario entry based on {base_name})",
        figures=dict(original.figures),
        attrs=dict(original.attrs),
    )
    allowed, descriptive = _fields(m.base, info)
    changed = False
    for key, value in patch.items():
        fname = str(key)
        fpath = (*path, fname)
        if fname == "base":
            continue
        if fname not in allowed:
            if fname in descriptive:
                hint = " (a battery sets its own: batteries[].doctrine)" if fname == "doctrine" else ""
                m.problem(fpath, f"{fname!r} is descriptive: a scenario cannot change it{hint}")
            else:
                m.problem(fpath, f"unknown field {fname!r} for a {info.kind}{did_you_mean(fname, allowed)}")
            continue
        found = list(_value_problems(info, fname, value, original, m.base))
        for sub, message in found:
            m.problem((*fpath, *sub), message)
        if found:
            continue
        before = original.attrs.get(fname) if fname in info.attributes else original.value(fname)
        # Copies: neither the caller's data nor the catalog's may change what the merge recorded.
        value, before = copy.deepcopy(value), copy.deepcopy(before)
        _apply(entry, info, fname, value)
        m.result.overrides.append(Override(info.kind, name, fname, value, before, base_name))
        m.at[(name, fname)] = fpath
        changed = True
    if base_name is not None and not changed:
        m.result.overrides.append(Override(info.kind, name, None, None, None, base_name))
    if "rcs_table" not in patch:
        _scale_rcs_table(entry, original)
    m.out[name] = entry
    m.touched[name] = path


def _scale_rcs_table(entry: Entry, original: Entry) -> None:
    """A change of ``rcs_m2`` alone scales the entry's ``rcs_table`` by the same factor: the table
    keeps its shape over aspect and band and ``rcs_m2`` stays its level (otherwise a scenario's new
    ``rcs_m2``, or a sweep of it, would not change what the radars see)."""
    table = entry.figures.get("rcs_table")
    old, new = original.value("rcs_m2"), entry.value("rcs_m2")
    if table is None or old is None or new is None or float(new) == float(old):
        return
    k = float(new) / float(old)

    def scaled(node: Any) -> Any:
        return [scaled(x) for x in node] if isinstance(node, list) else float(node) * k

    value = copy.deepcopy(table.value)
    value["bands"] = {band: scaled(rows) for band, rows in value["bands"].items()}
    entry.figures["rcs_table"] = Figure(
        value=value, source=SCENARIO_SOURCE, note=f"the catalog's table scaled by {k:g} with rcs_m2"
    )


# ---------------------------------------------------------------------------------------------
# Checks across entries, on the merged result


def _template_problems(m: _Merge) -> None:
    """Every system template names radars, launchers and missiles that exist, and its loads fit."""
    out = m.out
    loads_changed = any(f in ("tubes", "tube_fraction") for _, f in m.at)
    for key, e in out.items():
        if e.kind != "system" or (key not in m.touched and not loads_changed):
            continue
        radars_at = m.at.get((key, "radars"))
        for i, item in enumerate(e.attrs.get("radars", [])):
            rtype = item.get("type")
            if radars_at is not None and (rtype not in out or out[rtype].kind != "radar"):
                m.problem((*radars_at, i, "type"), unknown_name("radar", str(rtype), _names(out, "radar")))
        launchers_at = m.at.get((key, "launchers"))
        for i, item in enumerate(e.attrs.get("launchers", [])):
            ltype = item.get("type")
            if launchers_at is not None and (ltype not in out or out[ltype].kind != "launcher"):
                m.problem(
                    (*launchers_at, i, "type"), unknown_name("launcher", str(ltype), _names(out, "launcher"))
                )
                continue
            load = item.get("load", {})
            bad = [x for x in load if x not in out or out[x].kind != "interceptor"]
            for missile in bad:
                if launchers_at is not None:
                    m.problem(
                        (*launchers_at, i, "load", str(missile)),
                        unknown_name("interceptor", str(missile), _names(out, "interceptor")),
                    )
            if bad:
                continue
            found = load_problem(
                launcher_spec(out[ltype]), load, lambda x: interceptor_spec(out[x]).tube_fraction
            )
            if found is None:
                continue
            # Report it where the change that broke it was written: the template's own launchers, or
            # the launcher's tubes, or a missile's tube_fraction.
            culprits = [m.at.get((ltype, "tubes")), *(m.at.get((x, "tube_fraction")) for x in load)]
            if launchers_at is not None:
                culprits.insert(0, (*launchers_at, i, "load"))
            where = next((c for c in culprits if c is not None), m.touched.get(key, ()))
            m.problem(where, f"the {key} template's launchers[{i}]: {found}")


def _pair_problems(m: _Merge) -> None:
    """A changed ``min_x`` is not above its ``max_x`` (ranges, altitudes, elevations)."""
    for key in m.touched:
        e = m.out[key]
        for lo_name, lo_fig in e.figures.items():
            hi_name = "max_" + lo_name[4:]
            if not lo_name.startswith("min_") or hi_name not in e.figures:
                continue
            lo, hi = lo_fig.value, e.figures[hi_name].value
            at = m.at.get((key, lo_name)) or m.at.get((key, hi_name))
            if at is not None and isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
                m.problem(at, f"{lo_name} ({lo:g}) would be above {hi_name} ({hi:g})")


def _ballistic_problems(m: _Merge) -> None:
    """A ballistic threat flies to an apogee: a threat made ballistic needs one."""
    for key in m.touched:
        e = m.out[key]
        if e.kind != "threat" or e.attrs.get("kind") != "ballistic":
            continue
        apogee = e.value("apogee_m", 0.0)
        if not (isinstance(apogee, int | float) and apogee > 0):
            at = m.at.get((key, "kind")) or m.touched[key]
            m.problem(at, "a ballistic threat needs apogee_m > 0: set it too")


def merge(entries: Mapping[str, Entry], changes: Any) -> Merged:
    """Apply ``changes`` (sections -> entries -> fields, as a scenario's ``catalog:``) to ``entries``.

    Parameters
    ----------
    entries : the catalog's entries by key (not modified).
    changes : the mapping to apply; anything else is reported as a problem.

    Returns
    -------
    Merged
        The entries after every valid change (a change with a problem is left out, so the rest of a
        scenario can still be checked against the others), the :class:`Override` records, and the
        problems, each with its path below ``catalog:``.
    """
    m = _Merge(base=entries, out=dict(entries), result=Merged(entries={}))
    if not isinstance(changes, Mapping):
        m.problem((), f"must be a mapping of sections ({', '.join(SECTIONS)}), not {_what(changes)}")
    else:
        for section, items in changes.items():
            info = BY_SECTION.get(section) if isinstance(section, str) else None
            if info is None:
                m.problem(
                    (str(section),),
                    f"unknown section {str(section)!r}{did_you_mean(str(section), SECTIONS)}; "
                    f"sections: {', '.join(SECTIONS)}",
                )
                continue
            if not isinstance(items, Mapping):
                m.problem(
                    (section,), f"must be a mapping of {info.kind} names to changes, not {_what(items)}"
                )
                continue
            for name, patch in items.items():
                if not isinstance(name, str):
                    m.problem((section, str(name)), f"a {info.kind} name must be text, not {_what(name)}")
                    continue
                _merge_entry(m, info, name, patch, (section, name))
        _template_problems(m)
        _pair_problems(m)
        _ballistic_problems(m)
    m.result.entries = m.out
    return m.result
