"""`threadport list`: one pair a line, stem TAB title.

The titles come from the disk cache (threadport.cache) while catalog.toml is the
file they were read from: parsing the catalogue imports tomllib, dataclasses and
the ledger, several times the cost of starting Python. A miss parses (and so
checks) the whole catalogue, as before.
"""

from __future__ import annotations

import os

import threadport
from threadport import cache
from threadport.quick_args import Quick

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import argparse  # imported by threadport.cli_parser, when argparse reads the line

QUICK = Quick({})  # `threadport list` alone is read without argparse (threadport.cli.read_quickly)

TITLES_CACHE = "catalog-titles"


def catalog_file() -> str:
    """threadport/catalog.toml, found without importing threadport.catalog."""
    return os.path.join(os.path.dirname(threadport.__file__), "catalog.toml")


def titles(path: str | None = None) -> list[tuple[str, str]]:
    path = path or catalog_file()
    key = cache.file_key(path)
    entry = cache.per_install(TITLES_CACHE, os.path.dirname(path))
    stored = cache.load(entry, key) if key else None
    if isinstance(stored, list) and all(isinstance(row, list) and len(row) == 2 for row in stored):
        return [(stem, title) for stem, title in stored]
    from threadport.catalog import parse_catalog

    with open(path, encoding="utf-8") as catalog:
        rows = [(pair.stem, pair.title) for pair in parse_catalog(catalog.read())]
    if key:
        cache.store(entry, key, rows)
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    for stem, title in titles():
        print(f"{stem}\t{title}")
    return 0
