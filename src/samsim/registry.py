"""Registries: the extension points where a new kind of thing (a fire policy, a flight kind, a sensor
kind, an output file) is added by registering it, not by editing the code that uses it."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Registry(dict[K, V]):
    """A dictionary of named entries that refuses to register a name twice.

    ``what`` names the kind of entry in messages ("fire policy", "sensor kind", ...).
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def add(self, key: K, entry: V) -> V:
        """Register ``entry`` under ``key``; ValueError if the key is taken."""
        if key in self:
            raise ValueError(f"a {self.what} {_name(key)} is already registered")
        self[key] = entry
        return entry

    def register(self, key: K) -> Callable[[V], V]:
        """Decorator form of :meth:`add`."""

        def decorate(entry: V) -> V:
            return self.add(key, entry)

        return decorate

    def lookup(self, key: K) -> V:
        """The entry registered under ``key``; ValueError naming the known ones otherwise."""
        try:
            return self[key]
        except KeyError:
            known = ", ".join(_name(k) for k in self)
            raise ValueError(f"unknown {self.what} {_name(key)} (known: {known})") from None


def _name(key: Hashable) -> str:
    return key.__name__ if isinstance(key, type) else repr(key)
