"""The catalogue's tables come from the disk cache while catalog.toml is unchanged, and
from the file again as soon as it changes: the cache saves the TOML parse, never a pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadport import catalog

PAIR = '[[pair]]\nstem = "{stem}"\ntitle = "A pair"\n[[pair.entry]]\nlegacy = "demo"\n'


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)


def stems(path):
    return [pair.stem for pair in catalog._pairs(catalog._catalog_tables(path))]


def test_an_unchanged_catalogue_is_not_parsed_again(tmp_path, private_cache, monkeypatch):
    path = tmp_path / "catalog.toml"
    path.write_text(PAIR.format(stem="first"))
    assert stems(path) == ["first"]

    def no_parse(text):
        raise AssertionError("parsed again")

    monkeypatch.setattr(catalog, "_toml_loads", no_parse)
    assert stems(path) == ["first"]


def test_a_changed_catalogue_is_read_from_the_file(tmp_path, private_cache):
    path = tmp_path / "catalog.toml"
    path.write_text(PAIR.format(stem="first"))
    assert stems(path) == ["first"]
    path.write_text(PAIR.format(stem="second") + PAIR.format(stem="third"))
    assert stems(path) == ["second", "third"]


def test_the_installed_catalogue_reads_the_same_from_the_cache(private_cache):
    parsed = catalog.parse_catalog(Path(catalog.CATALOG_FILE).read_text(encoding="utf-8"))
    catalog._catalog_tables(catalog.CATALOG_FILE)  # stores it
    assert catalog._pairs(catalog._catalog_tables(catalog.CATALOG_FILE)) == parsed
