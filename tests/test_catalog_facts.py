"""The catalogue's version facts and references, checked: against the ledger's probes and a local title table."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_ledger import book  # noqa: F401  (the session's ledger fixture)

from threadport.catalog import CATALOG_FILE, load_catalog, parse_catalog
from threadport.ledger import check_facts, parse_version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TITLES = tomllib.loads(Path(CATALOG_FILE).with_name("reference_titles.toml").read_text(encoding="utf-8"))
NUMBERED = re.compile(r"(PEP \d+|bpo-\d+|gh-\d+)$")
# A Python 3 version in prose: 3.9, 3.7.3 (3.13t counts as 3.13).
PYTHON3_VERSION = re.compile(r"(?<![\d.])3\.\d+(?:\.\d+)?(?![\d.]*\d)")


def notes():
    return [(pair.stem, note) for pair in load_catalog() for note in pair.notes]


def all_facts(pairs=None):
    return [fact for pair in pairs or load_catalog() for note in pair.notes for fact in note.facts]


def problems_in(pairs, book):  # noqa: F811
    """Each note's facts form one timeline per name; notes are checked one by one, so
    a right fact in one note cannot hide a wrong one in another."""
    return [f"{p.stem}: {line}" for p in pairs for n in p.notes for line in check_facts(list(n.facts), book)]


def test_every_version_fact_in_the_catalogue_agrees_with_the_ledger(book):  # noqa: F811
    assert len(all_facts()) >= 50
    assert problems_in(load_catalog(), book) == []


@pytest.mark.parametrize(
    "right, wrong",
    [
        ('{name = "Thread.isAlive", removed_in = "3.9"}', '{name = "Thread.isAlive", removed_in = "3.10"}'),
        # The fact this catalogue used to state: isAlive warns from 3.8 (3.7 already warns).
        (
            '{name = "Thread.isAlive", warns_from = "3.7.3", category = "PendingDeprecationWarning"}',
            '{name = "Thread.isAlive", warns_from = "3.8", category = "PendingDeprecationWarning"}',
        ),
        ('{name = "syntax: f-string", exists_from = "3.6"}', '{name = "syntax: f-string", exists_from = "3.7"}'),
        ('{name = "Event.isSet", warns_from = "3.10"}', '{name = "Event.isSet", warns_from = "3.9"}'),
        ('{name = "Thread(daemon=...)", exists_from = "3.3"}', '{name = "Thread(daemon=...)", exists_from = "3.7"}'),
    ],
)
def test_a_wrong_version_written_into_the_catalogue_fails(book, right, wrong):  # noqa: F811
    text = Path(CATALOG_FILE).read_text(encoding="utf-8")
    assert right in text
    problems = problems_in(parse_catalog(text.replace(right, wrong, 1)), book)
    assert problems, f"{wrong} went unnoticed"


@pytest.mark.parametrize("stem, note", notes(), ids=lambda v: getattr(v, "title", v))
def test_every_python3_version_in_a_note_is_a_checked_fact(stem, note):
    """since, title and why may name only versions the note's facts state (and the tests check)."""
    stated = {parse_version(f.version) for f in note.facts}
    named = PYTHON3_VERSION.findall(" ".join([note.title, note.why, note.since]))
    unchecked = sorted({v for v in named if parse_version(v) not in stated})
    assert unchecked == [], f"{stem}: {note.title!r} names {unchecked} with no fact behind it"
    if note.since != "style":
        assert parse_version(note.since) in stated or note.since.startswith("2."), note.title


def test_every_numbered_reference_has_its_title_from_the_table():
    used = set()
    for stem, note in notes():
        for ref in note.refs:
            if NUMBERED.match(ref.label):
                used.add(ref.label)
                assert ref.label in TITLES, f"{stem}: {ref.label} is not in reference_titles.toml"
                assert ref.title == TITLES[ref.label], f"{stem}: {ref.label}: {ref.title!r}"
    # No stale rows: each is cited by the catalogue or by the code.
    code = " ".join(path.read_text(encoding="utf-8") for path in Path(CATALOG_FILE).parent.rglob("*.py"))
    assert sorted(label for label in set(TITLES) - used if not re.search(rf"{label}\b", code)) == []


def test_a_wrong_title_fails():
    text = (
        Path(CATALOG_FILE)
        .read_text(encoding="utf-8")
        .replace("bpo-37804: Remove Thread.isAlive in Python 3.9", "bpo-43372: Remove Thread.isAlive in Python 3.9", 1)
    )
    labels = {r.label: r.title for p in parse_catalog(text) for n in p.notes for r in n.refs}
    assert "bpo-43372" in labels and "bpo-43372" not in TITLES
