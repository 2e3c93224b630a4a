"""The kinds of catalog entry, in one registry.

Each kind has its YAML file (``<section>.yaml``), its section in a scenario's ``catalog:`` mapping
(the same word), the typed spec the engine reads and the plain attributes a scenario may change. A new
kind is one more line here (with its YAML file, its spec and an accessor on ``Catalog``): loading, the
scenario's ``catalog:`` section, its validation and the generated documentation follow from this
table.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsim.catalog.entries import Kind
from samsim.catalog.specs import InterceptorSpec, LauncherSpec, RadarSpec, SystemSpec, ThreatSpec


@dataclass(frozen=True)
class KindInfo:
    """One kind of catalog entry.

    Attributes
    ----------
    kind : the entry kind (``"radar"``).
    section : its YAML file's stem and its section under a scenario's ``catalog:`` (``"radars"``).
    spec_type : the typed spec the engine reads (its field types say which figures are counts).
    attributes : plain attributes a scenario may change; the others are descriptive.
    """

    kind: Kind
    section: str
    spec_type: type
    attributes: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.section}.yaml"


KINDS: tuple[KindInfo, ...] = (
    KindInfo("system", "systems", SystemSpec, ("radars", "launchers")),
    KindInfo("radar", "radars", RadarSpec, ("role", "polarization")),
    KindInfo("launcher", "launchers", LauncherSpec, ()),
    KindInfo("interceptor", "interceptors", InterceptorSpec, ("tube_fraction",)),
    KindInfo("threat", "threats", ThreatSpec, ("kind",)),
)
"""Every kind, in the order the catalog lists them."""

BY_KIND: dict[str, KindInfo] = {k.kind: k for k in KINDS}
BY_SECTION: dict[str, KindInfo] = {k.section: k for k in KINDS}
SECTIONS: tuple[str, ...] = tuple(k.section for k in KINDS)
