"""`threadport html`: the static tour, checked as files (the browser tests look at it rendered)."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from threadport.catalog import get_pair, load_catalog
from threadport.cli import main
from threadport.html import MARKER, page_name
from threadport.matrix import minor

FIXTURES = Path(__file__).parent / "fixtures" / "compare"


class Page(HTMLParser):
    """What a test needs from a page: links, ids, asset references, and the code cells' text."""

    def __init__(self, text: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.assets: list[str] = []
        self.scripts = 0
        self.code: dict[str, list[str]] = {"legacy": [], "modern": []}
        self._side: str | None = None
        self._depth = 0
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("link", "img", "script", "iframe", "source"):
            self.assets.append(attrs.get("href") or attrs.get("src") or "")
        self.scripts += tag == "script"
        classes = (attrs.get("class") or "").split()
        if self._side:
            self._depth += 1
        elif tag == "code" and self._line_side:
            self._side, self._depth, self._text = self._line_side, 1, []
            self._line_side = None
        elif tag == "div":
            self._line_side = next(
                (s for s in ("legacy", "modern") if "line" in classes and "gap" not in classes and s in classes), None
            )

    _line_side = None

    def handle_endtag(self, tag):
        if self._side:
            self._depth -= 1
            if self._depth == 0:
                self.code[self._side].append("".join(self._text))
                self._side = None

    def handle_data(self, data):
        if self._side:
            self._text.append(data)


@pytest.fixture
def site(tmp_path) -> Path:
    out = tmp_path / "site"
    assert main(["html", str(out), "--results", str(FIXTURES)]) == 0
    return out


def pages(site: Path) -> dict[str, Page]:
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in site.glob("*.html")}


def test_one_page_per_catalogue_pair_and_an_index(site):
    assert {p.name for p in site.glob("*.html")} == {"index.html"} | {page_name(p.stem) for p in load_catalog()}
    index = pages(site)["index.html"]
    for pair in load_catalog():
        assert page_name(pair.stem) in index.hrefs


def test_the_code_view_holds_both_files_verbatim(site):
    """Every line of both sources, in order, as text: highlighting and marks lose nothing."""
    for pair in load_catalog():
        page = pages(site)[page_name(pair.stem)]
        assert page.code["legacy"] == pair.legacy_path.read_text(encoding="utf-8").splitlines()
        assert page.code["modern"] == pair.modern_path.read_text(encoding="utf-8").splitlines()


def test_offline_no_script_no_outside_asset_and_every_internal_link_resolves(site):
    all_pages = pages(site)
    for name, page in all_pages.items():
        assert page.scripts == 0, f"{name}: the tour needs no JavaScript"
        for asset in page.assets:
            assert asset and not urlsplit(asset).scheme and not asset.startswith("//"), f"{name}: {asset}"
            assert (site / asset).is_file()
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue  # PEPs and CPython issues: links out, never loaded by the page
            target = parts.path or name
            assert target in all_pages, f"{name}: link to missing {href}"
            if parts.fragment:
                assert parts.fragment in all_pages[target].ids, f"{name}: no #{parts.fragment} in {target}"


def test_notes_link_their_references_and_transcripts_name_the_interpreters(site):
    pair = get_pair("threading_notes")
    text = (site / page_name(pair.stem)).read_text(encoding="utf-8")
    for note in pair.notes:
        for ref in note.refs:
            assert f'href="{ref.url}"' in text
    for path in FIXTURES.glob("*.json"):
        for record in json.loads(path.read_text()):
            assert f"Python {record['legacy']['python']}" in text
            assert record["modern"]["python"] in text
    assert "working ok cool" in text


def test_the_matrix_has_a_column_per_modern_version(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "→ Python 3.9</th>" in index and "→ Python 3.13</th>" in index
    assert index.index("Python 3.9<") < index.index("Python 3.13<")
    assert 'class="v-equivalent"' in index


def test_without_results_the_site_says_how_to_get_them(tmp_path):
    assert main(["html", str(tmp_path / "s")]) == 0
    assert "No results yet" in (tmp_path / "s" / "index.html").read_text()


def test_a_folder_that_is_not_a_site_is_never_overwritten(tmp_path, capsys):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "index.html").write_text("my own page")
    assert main(["html", str(mine)]) == 2
    assert "not empty and was not made by `threadport html`" in capsys.readouterr().err
    assert (mine / "index.html").read_text() == "my own page"


def test_an_earlier_build_is_rebuilt_in_place(site):
    (site / "pair-gone.html").write_text("old")
    listed = (site / MARKER).read_text()
    (site / MARKER).write_text(listed + "pair-gone.html\n")
    assert main(["html", str(site), "--results", str(FIXTURES)]) == 0
    assert not (site / "pair-gone.html").exists(), "a page an earlier build wrote and this one did not is removed"


def test_bad_results_file_is_one_line_naming_it(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    assert main(["html", str(tmp_path / "s"), "--results", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err


@pytest.mark.legacy
def test_the_site_from_a_real_compare_run_of_the_seed(tmp_path, legacy_python, capsys):
    """End to end: `threadport compare --output` on this Python, then the tour from that file."""
    results = tmp_path / "results" / "here.json"
    code = main(["compare", "threading_notes", "--legacy-python", legacy_python, "--output", str(results)])
    assert code == 0, capsys.readouterr().out
    assert main(["html", str(tmp_path / "site"), "--results", str(results.parent)]) == 0
    column = minor(".".join(map(str, sys.version_info[:3])))
    index = (tmp_path / "site" / "index.html").read_text()
    entries = len(get_pair("threading_notes").entries)
    assert f"→ Python {column}</th>" in index
    assert f"equivalent {entries}" in index or "declared" in index
