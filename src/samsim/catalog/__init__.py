"""The catalog: public figures for air-defence systems and threats, each with its source.

The data lives in YAML files beside this module, one per kind (``systems.yaml``, ``radars.yaml``,
``launchers.yaml``, ``interceptors.yaml``, ``threats.yaml``; see :data:`KINDS`) and ``sources.yaml``.
A figure is written ``{value, source, note?, range?}``; ``source: ASSUMED`` marks a documented
modelling assumption.

A :class:`Catalog` is an immutable set of entries by key with two views: :class:`Entry` (every figure
with its source, for people: ``samsim catalog``) and typed specs (:class:`RadarSpec`, ... plain
values, for the engine). :func:`builtin` is the one read from the YAML files; a scenario's
``catalog:`` section makes another with :meth:`Catalog.with_overrides`. The module-level helpers
(:func:`radar`, :func:`names`, ...) read the built-in catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar

from samsim.catalog.entries import Entry, Figure, Kind, entry_from_yaml, read_yaml
from samsim.catalog.kinds import KINDS, SECTIONS, KindInfo
from samsim.catalog.overrides import (
    FIGURE_LIMITS,
    MAX_LAUNCHERS,
    MAX_MAST_M,
    MAX_RADAR_OFFSET_M,
    RANGE_FACTOR,
    Override,
    OverrideProblem,
    close_match,
    did_you_mean,
    field_kinds,
    merge,
    unknown_name,
)
from samsim.catalog.specs import (
    FLYOUT_FIELDS,
    InterceptorSpec,
    LauncherSpec,
    MoveTimings,
    RadarSpec,
    SystemSpec,
    ThreatSpec,
    interceptor_spec,
    launcher_spec,
    load_problem,
    radar_spec,
    system_spec,
    threat_spec,
)

__all__ = [
    "FIGURE_LIMITS",
    "FLYOUT_FIELDS",
    "KINDS",
    "MAX_LAUNCHERS",
    "MAX_MAST_M",
    "MAX_RADAR_OFFSET_M",
    "RANGE_FACTOR",
    "SECTIONS",
    "Catalog",
    "CatalogError",
    "Entry",
    "Figure",
    "InterceptorSpec",
    "Kind",
    "KindInfo",
    "LauncherSpec",
    "MoveTimings",
    "Override",
    "RadarSpec",
    "SystemSpec",
    "ThreatSpec",
    "builtin",
    "close_match",
    "did_you_mean",
    "entries",
    "field_kinds",
    "get",
    "interceptor",
    "launcher",
    "names",
    "radar",
    "sources",
    "system",
    "threat",
    "unknown_name",
]

_Spec = TypeVar("_Spec")


class CatalogError(ValueError):
    """Changes to a catalog that cannot be applied.

    Attributes
    ----------
    problems : every problem as (path below the changes mapping, message).
    catalog : the catalog with the valid changes applied, against which the rest of a scenario can
        still be checked.
    """

    def __init__(self, problems: list[OverrideProblem], catalog: Catalog):
        self.problems = problems
        self.catalog = catalog
        super().__init__("; ".join(f"{'.'.join(str(p) for p in path)}: {msg}" for path, msg in problems))


class Catalog:
    """An immutable set of catalog entries by key (keys are unique across kinds).

    Parameters
    ----------
    entries : the entries by key.
    overrides : the changes that made this catalog from another (see :meth:`with_overrides`).
    """

    def __init__(self, entries: Mapping[str, Entry], overrides: tuple[Override, ...] = ()):
        self._entries = dict(entries)
        self._overrides = overrides
        # Specs are built on first use; entries never change, so a built spec stays right.
        self._specs: dict[tuple[str, str], Any] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        # The built-in catalog travels to worker processes as a reference, not as a copy of its data.
        if self is builtin():
            return (builtin, ())
        return (Catalog, (self._entries, self._overrides))

    def __repr__(self) -> str:
        return f"<Catalog of {len(self._entries)} entries, {len(self._overrides)} overrides>"

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Every entry by key (a read-only view)."""
        return MappingProxyType(self._entries)

    @property
    def overrides(self) -> tuple[Override, ...]:
        """The changes that made this catalog from the one :meth:`with_overrides` was called on."""
        return self._overrides

    def names(self, kind: Kind) -> list[str]:
        """The keys of the entries of ``kind``, in catalog order (new entries last)."""
        return [key for key, e in self._entries.items() if e.kind == kind]

    def get(self, key: str) -> Entry:
        """The entry called ``key``; KeyError otherwise."""
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"unknown catalog name {key!r}") from None

    def _spec(self, kind: Kind, key: str, build: Callable[[Entry], _Spec]) -> _Spec:
        cached = self._specs.get((kind, key))
        if cached is None:
            e = self.get(key)
            if e.kind != kind:
                raise KeyError(f"{key!r} is a {e.kind}, not a {kind}")
            cached = self._specs[(kind, key)] = build(e)
        result: _Spec = cached
        return result

    def radar(self, key: str) -> RadarSpec:
        return self._spec("radar", key, radar_spec)

    def launcher(self, key: str) -> LauncherSpec:
        return self._spec("launcher", key, launcher_spec)

    def interceptor(self, key: str) -> InterceptorSpec:
        return self._spec("interceptor", key, interceptor_spec)

    def threat(self, key: str) -> ThreatSpec:
        return self._spec("threat", key, threat_spec)

    def system(self, key: str) -> SystemSpec:
        return self._spec("system", key, system_spec)

    def load_problem(self, launcher: str, load: Mapping[str, int]) -> str | None:
        """Why ``load`` (missile name -> count) does not fit on a ``launcher``, or None when it fits."""
        return load_problem(self.launcher(launcher), load, lambda m: self.interceptor(m).tube_fraction)

    def with_overrides(self, changes: Mapping[str, Any] | None) -> Catalog:
        """A new catalog with ``changes`` applied (this one is unchanged).

        Parameters
        ----------
        changes : sections (:data:`SECTIONS`) -> entry -> field -> value, as a scenario's ``catalog:``
            writes them; an entry with ``base: NAME`` is a new entry starting as a copy of NAME (an entry
            of this catalog). The rules are in :mod:`samsim.catalog.overrides`.

        Returns
        -------
        Catalog
            This catalog itself when there are no changes; otherwise a new one whose
            :attr:`overrides` record every change with its original value.

        Raises
        ------
        CatalogError
            With every problem (path below ``changes``, message), and the catalog with the valid
            changes applied.
        """
        if not changes:
            return self
        merged = merge(self._entries, changes)
        out = Catalog(merged.entries, self._overrides + tuple(merged.overrides))
        if merged.problems:
            raise CatalogError(merged.problems, out)
        return out


@cache
def builtin() -> Catalog:
    """The catalog of the YAML files shipped with samsim (read once)."""
    out: dict[str, Entry] = {}
    for info in KINDS:
        for key, raw in read_yaml(info.filename).items():
            assert key not in out, f"duplicate catalog key {key}"
            out[str(key)] = entry_from_yaml(info.kind, str(key), raw)
    return Catalog(out)


@cache
def sources() -> dict[str, dict[str, str]]:
    """Source key -> {title, url?}."""
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in read_yaml("sources.yaml").items()}


# The built-in catalog through module functions (the `samsim catalog` command, docs, tests).


def entries() -> Mapping[str, Entry]:
    """Every built-in entry by its key (keys are unique across kinds)."""
    return builtin().entries


def names(kind: Kind) -> list[str]:
    """The keys of the built-in entries of ``kind``."""
    return builtin().names(kind)


def get(key: str) -> Entry:
    """The built-in entry called ``key``; KeyError otherwise."""
    return builtin().get(key)


def radar(key: str) -> RadarSpec:
    return builtin().radar(key)


def launcher(key: str) -> LauncherSpec:
    return builtin().launcher(key)


def interceptor(key: str) -> InterceptorSpec:
    return builtin().interceptor(key)


def threat(key: str) -> ThreatSpec:
    return builtin().threat(key)


def system(key: str) -> SystemSpec:
    return builtin().system(key)
