"""Fact: one version fact about one ledger name, as the catalogue and the rules state it.

Its own small module: the rules import Fact at every `threadport check`'s start, and
threadport.ledger (which checks the facts against the interpreters) imports far more.
"""

from __future__ import annotations

from threadport.records import Record


class Fact(Record, frozen=True):
    """kind: exists_from (absent before, present from), warns_from (warns with
    ``category`` from this version on, until the next fact), removed_in (gone from).
    defined_as: on ``version`` the name exists and the function that runs is
    ``value`` (2.7's Thread.is_alive is defined as isAlive: there the old name is
    the real method and is_alive the alias).
    """

    __slots__ = ("name", "kind", "version", "category", "value")

    def __init__(self, name: str, kind: str, version: str, category: str = "", value: str = "") -> None:
        self.name = name
        self.kind = kind
        self.version = version
        self.category = category  # warns_from: the warning class
        self.value = value  # defined_as: the defining function's name

    def __str__(self) -> str:
        extra = f" ({self.category or self.value})" if self.category or self.value else ""
        return f"{self.name}: {self.kind} {self.version}{extra}"
