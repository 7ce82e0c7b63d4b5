"""`threadport html`: the static tour, checked as files (the browser tests look at it rendered)."""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import threadport.html
from threadport.catalog import get_pair, load_catalog
from threadport.cli import main
from threadport.html import MARKER, page_name
from threadport.matrix import minor

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
TOUR = Path(__file__).parent / "fixtures" / "tour"  # real timeline, claims and ledger runs
EXTRAS = ["--timeline", str(TOUR / "timeline.json"), "--claims", str(TOUR / "claims.json")]
EXTRAS += ["--ledger", str(TOUR / "ledger.json")]


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


@pytest.fixture(scope="module", autouse=True)
def code_rows_once():
    """Each pair's code view (threadport.html._code_rows: the alignment, lexing and
    highlighting of both files, most of a build's CPU) made once for all the module's
    builds: it depends on the pair and the seed's claim notes only, never on the results,
    the timeline or the output folder, and the templates only read it."""
    made: dict[tuple, tuple] = {}
    real = threadport.html._code_rows

    def once(pair, notes=None):
        key = (pair.stem, tuple(sorted((notes or {}).items())))
        if key not in made or made[key][0] != pair:
            made[key] = (pair, real(pair, notes))
        return made[key][1]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(threadport.html, "_code_rows", once)
        yield


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One build from the checked-in results for every test that only reads it (a test that
    changes a site works on its own copy: `site_copy`)."""
    out = tmp_path_factory.mktemp("tour") / "site"
    assert main(["html", str(out), "--results", str(FIXTURES), *EXTRAS]) == 0
    return out


@pytest.fixture
def site_copy(site, tmp_path) -> Path:
    return Path(shutil.copytree(site, tmp_path / "site"))


def pages(site: Path) -> dict[str, Page]:
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in site.glob("*.html")}


@pytest.fixture(scope="module")
def site_pages(site) -> dict[str, Page]:
    """The shared build's pages, parsed once (HTMLParser is pure Python: a few hundred ms of
    CPU a pass) for the tests that only read them."""
    return pages(site)


def test_one_page_per_catalogue_pair_and_an_index(site, site_pages):
    expected = {"index.html", "clock.html"} | {page_name(p.stem) for p in load_catalog()}
    assert {p.name for p in site.glob("*.html")} == expected
    index = site_pages["index.html"]
    for pair in load_catalog():
        assert page_name(pair.stem) in index.hrefs


def test_the_code_view_holds_both_files_verbatim(site_pages):
    """Every line of both sources, in order, as text: highlighting and marks lose nothing."""
    all_pages = site_pages
    for pair in load_catalog():
        page = all_pages[page_name(pair.stem)]
        assert page.code["legacy"] == pair.legacy_path.read_text(encoding="utf-8").splitlines()
        assert page.code["modern"] == pair.modern_path.read_text(encoding="utf-8").splitlines()


def test_offline_no_script_no_outside_asset_and_every_internal_link_resolves(site, site_pages):
    all_pages = site_pages
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
    assert ">Python 3.9<span" in index and ">Python 3.13<span" in index
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


def test_an_earlier_build_is_rebuilt_in_place(site_copy):
    site = site_copy
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
    assert f">Python {column}<span" in index
    assert f"equivalent {entries}" in index or "declared" in index


# ---- the course, the results beside compare's, and what a page must never show ----


def test_counts_read_as_english_and_each_page_says_what_it_holds(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"\b1 (entry points|notes|claims)\b", index)
    assert "1 entry point ·" in index, "graceful_stop has one entry point"
    pair_page = (site / page_name("graceful_stop")).read_text(encoding="utf-8")
    assert "every transcript on this page" in pair_page and "every transcript on this page" not in index
    assert "every transcript below" not in index + pair_page


def test_the_index_is_a_course_in_catalogue_order_with_what_each_pair_teaches(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    positions = [index.index(f'href="{page_name(pair.stem)}"') for pair in load_catalog()]
    assert positions == sorted(positions)
    for pair in load_catalog():
        assert pair.learn and len(pair.learn) <= 120 and "\n" not in pair.learn, f"{pair.stem}: one short line"
        assert pair.learn in html.unescape(index)


def test_declared_differences_are_two_transcripts_with_the_differing_lines_marked(site):
    text = (site / page_name("graceful_stop")).read_text(encoding="utf-8")
    assert "[&#34;ticker" not in text and "['ticker" not in text, "no Python list dumped"
    marked = [m for m in re.findall(r'<mark class="differs">([^<]*)</mark>', text) if m != "highlighted"]
    assert marked == [
        "main: the ticker stopped 0.5 s after the request, after 3 ticks",
        "main: the ticker stopped 0.0 s after the request, after 3 ticks",
    ]


def test_each_pair_has_an_exercise_whose_answer_comes_from_a_run(site):
    timeline = json.loads((TOUR / "timeline.json").read_text())
    compare = [r for path in FIXTURES.glob("*.json") for r in json.loads(path.read_text())]
    run_output = {f"{c['status']}: {c['detail']}" for row in timeline["rows"] for c in row["cells"]}
    run_output |= {line for record in compare for line in record["legacy"]["stdout"]}
    for pair in load_catalog():
        text = (site / page_name(pair.stem)).read_text(encoding="utf-8")
        match = re.search(r'<details class="answer">\s*<summary>[^<]+</summary>\s*<pre>([^<]*)</pre>', text)
        assert match, f"{pair.stem}: an exercise with a hidden answer"
        first = html.unescape(match.group(1)).splitlines()[0]
        assert first in run_output, f"{pair.stem}: the answer {first!r} is not the output of a run"


def test_the_seed_page_links_every_claim_with_its_verdicts(site_pages):
    claims = json.loads((TOUR / "claims.json").read_text())
    page = site_pages[page_name("threading_notes")]  # the shared build's page, parsed once
    for claim in claims:
        targets = [h for h in page.hrefs if h.startswith(page_name(claim["pair"]) + "#claim-")]
        assert targets, f"the seed page links the claim {claim['quote'][:40]!r} to its pair"


def test_no_path_of_the_building_machine_reaches_a_page(tmp_path):
    records = json.loads((FIXTURES / "py3.9.json").read_text())
    root = str(get_pair("threading_notes").legacy_path.parent.parent)
    records[0]["legacy"]["stderr"] = [f'  File "{root}/legacy/threading_notes.py", line 3', f"{Path.home()}/x"]
    results = tmp_path / "results.json"
    results.write_text(json.dumps(records))
    out = tmp_path / "site"
    assert main(["html", str(out), "--results", str(results), *EXTRAS]) == 0
    for path in out.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for machine_path in (root, str(Path.home()), str(tmp_path)):
            assert machine_path not in text, f"{path.name} shows {machine_path}"
    assert "legacy/threading_notes.py&#34;, line 3" in (out / page_name("threading_notes")).read_text() or (
        'legacy/threading_notes.py", line 3' in (out / page_name("threading_notes")).read_text()
    )


def test_a_machine_path_is_replaced_where_it_starts_never_inside_another_path():
    from threadport.html.course import local

    root, temp = str(get_pair("threading_notes").legacy_path.parent.parent), tempfile.gettempdir()
    assert local(f"{root}/.tox/tour{temp}/results.json") == f".tox/tour{temp}/results.json"
    assert local(f'File "{temp}/x.py", see file://{temp}/y') == 'File "<tmp>/x.py", see file://<tmp>/y'


@pytest.mark.parametrize("option", ["--timeline", "--claims"])
def test_a_bad_timeline_or_claims_file_is_one_line_naming_it(tmp_path, capsys, option):
    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": 3}' if option == "--timeline" else '[{"quote": 1}]')
    assert main(["html", str(tmp_path / "s"), option, str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err


def test_timeline_output_feeds_the_tour(tmp_path, capsys):
    """`threadport timeline --output` on this Python, then the pair page shows that run's row."""
    out = tmp_path / "results" / "timeline.json"
    assert main(["timeline", "threading_notes", "--python", sys.executable, "--output", str(out)]) == 0
    capsys.readouterr()
    document = json.loads(out.read_text())
    assert main(["html", str(tmp_path / "site"), "--timeline", str(out)]) == 0
    text = (tmp_path / "site" / page_name("threading_notes")).read_text()
    polling = next(row for row in document["rows"] if row["entry"] == "testIsAliveOnSleeper")
    status = polling["cells"][0]["status"]
    assert f'class="t-{status}">{status}' in text


def test_the_seed_code_view_shows_each_claim_beside_the_comment_that_makes_it(site):
    claims = json.loads((TOUR / "claims.json").read_text())
    text = (site / page_name("threading_notes")).read_text(encoding="utf-8")
    notes = re.findall(r'<div class="line modern gap claim-note">(.*?)</div>', text)
    links = [link for note in notes for link in re.findall(r'<a href="([^"]+)">claim (?:shown|not shown)', note)]
    assert len(links) == len([c for c in claims if c["in_seed"]]) >= 10
    for claim in claims:
        assert any(link.startswith(page_name(claim["pair"]) + "#claim-") for link in links), claim["quote"][:40]
    assert all("2.7&nbsp;" in note and "3.13&nbsp;" in note for note in notes), "a verdict per interpreter"
