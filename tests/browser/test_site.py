"""The HTML tour in a real browser: layout at two widths, links, console, accessibility."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from browser_support import NARROW, REPO, SCREENSHOTS, WIDE

from threadport.catalog import load_catalog
from threadport.html import page_name

PAIRS = [pair.stem for pair in load_catalog()]
SEED = "threading_notes" if "threading_notes" in PAIRS else PAIRS[0]


def url(site: Path, name: str = "index.html") -> str:
    return (site / name).resolve().as_uri()


def all_pages(site: Path) -> list[str]:
    return ["index.html"] + [page_name(stem) for stem in PAIRS]


# Row geometry of every segment: the DOM holds the two cells of a row one after
# the other (legacy, modern), after the two column heads.
GEOMETRY = """() => [...document.querySelectorAll('.diff')].map(diff => {
  const cells = [...diff.querySelectorAll(':scope > .line')];
  const heads = [...diff.querySelectorAll(':scope > .side-head')].map(h => h.getBoundingClientRect().toJSON());
  const rows = [];
  for (let i = 0; i < cells.length; i += 2) {
    const box = el => el.getBoundingClientRect().toJSON();
    rows.push({legacy: box(cells[i]), modern: box(cells[i + 1]),
               legacyGap: cells[i].classList.contains('gap'), modernGap: cells[i + 1].classList.contains('gap')});
  }
  return {heads, rows};
})"""

NO_PAGE_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("name", ["index.html"] + [page_name(stem) for stem in PAIRS])
def test_no_console_error_and_nothing_loaded_from_outside(site, visit, name):
    v = visit(url(site, name))
    assert v.errors == []
    assert v.outside == []
    assert v.page.evaluate("() => [...document.styleSheets].length") == 1, "the stylesheet loaded from file://"


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_no_page_scrolls_sideways(site, visit, width):
    for name in all_pages(site):
        v = visit(url(site, name), width)
        assert v.page.evaluate(NO_PAGE_SCROLL), f"{name} is wider than {width} px"
        v.close()


@pytest.mark.parametrize("stem", PAIRS)
def test_two_aligned_columns_at_1280(site, visit, stem):
    v = visit(url(site, page_name(stem)), WIDE)
    assert v.page.evaluate(NO_PAGE_SCROLL), "no horizontal page scroll at 1280 px"
    diffs = v.page.evaluate(GEOMETRY)
    assert diffs, "the page shows code"
    for diff in diffs:
        legacy_head, modern_head = diff["heads"]
        assert legacy_head["top"] == modern_head["top"] and legacy_head["right"] <= modern_head["left"] + 1
        assert modern_head["right"] <= WIDE
        for row in diff["rows"]:
            left, right = row["legacy"], row["modern"]
            assert abs(left["top"] - right["top"]) < 1 and abs(left["height"] - right["height"]) < 1, row
            assert left["right"] <= right["left"] + 1, "legacy on the left, modern on the right"
            assert left["width"] > 400 and right["width"] > 400, "each column gets half the page"
    visible = v.page.locator(".line.legacy:not(.gap)").first
    assert visible.is_visible() and v.page.locator(".line.modern:not(.gap)").first.is_visible()


@pytest.mark.parametrize("stem", PAIRS)
def test_stacked_at_390(site, visit, stem):
    v = visit(url(site, page_name(stem)), NARROW)
    assert v.page.evaluate(NO_PAGE_SCROLL), "no horizontal page scroll at 390 px"
    for diff in v.page.evaluate(GEOMETRY):
        legacy_head, modern_head = diff["heads"]
        legacy_lines = [r["legacy"] for r in diff["rows"] if not r["legacyGap"]]
        modern_lines = [r["modern"] for r in diff["rows"] if not r["modernGap"]]
        gaps = [r["legacy"] for r in diff["rows"] if r["legacyGap"]] + [
            r["modern"] for r in diff["rows"] if r["modernGap"]
        ]
        assert all(gap["height"] == 0 for gap in gaps), "gap fillers are hidden when stacked"
        assert legacy_head["bottom"] <= min((b["top"] for b in legacy_lines), default=legacy_head["bottom"]) + 1
        assert max((b["bottom"] for b in legacy_lines), default=legacy_head["bottom"]) <= modern_head["top"] + 1
        assert all(b["top"] >= modern_head["bottom"] - 1 for b in modern_lines), "modern lines follow their head"
        for b in legacy_lines + modern_lines:
            assert b["width"] > NARROW * 0.8, "one full-width column"


def test_every_internal_link_resolves(site, visit):
    checked = 0
    for name in all_pages(site):
        v = visit(url(site, name))
        hrefs = v.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for href in hrefs:
            if not href.startswith("file://"):
                assert href.startswith("https://"), f"{name}: external links are https: {href}"
                continue
            target, fragment = urldefrag(href)
            path = Path(target.removeprefix("file://"))
            assert path.is_file(), f"{name}: broken link {href}"
            if fragment:
                other = visit(target)
                assert other.page.evaluate("id => !!document.getElementById(id)", fragment), (
                    f"{name}: no #{fragment} in {path.name}"
                )
                other.close()
            checked += 1
    assert checked >= len(PAIRS) * 2


def test_keyboard_reaches_every_link_starting_with_the_skip_link(site, visit):
    v = visit(url(site, page_name(SEED)))
    v.page.keyboard.press("Tab")
    first = v.page.evaluate("() => document.activeElement.className")
    assert first == "skip"
    box = v.page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["left"] >= 0 and box["top"] >= 0, "the skip link shows when focused"
    targets = v.page.evaluate("() => document.querySelectorAll('a[href], [tabindex=\"0\"]').length")
    reached = set()
    for _ in range(targets + 5):
        v.page.keyboard.press("Tab")
        reached.add(
            v.page.evaluate(
                "() => { const e = document.activeElement; return e.outerHTML.slice(0, 120) + e.getAttribute('href'); }"
            )
        )
    assert len(reached) >= targets - 1, "Tab visits every link and scroll region"
    v.page.goto(url(site, page_name(SEED)))
    v.page.keyboard.press("Tab")
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("() => location.hash") == "#main"


def axe_violations(v, axe_js: Path) -> list[str]:
    v.page.add_script_tag(path=str(axe_js))
    result = v.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        f" at {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_no_serious_accessibility_violation(site, visit, axe_js, scheme, width):
    problems = []
    for name in all_pages(site):
        v = visit(url(site, name), width, scheme)
        problems += [f"{name}: {p}" for p in axe_violations(v, axe_js)]
        v.close()
    assert problems == []


def test_dark_scheme_is_dark_and_light_is_light(site, visit):
    colours = {}
    for scheme in ("light", "dark"):
        v = visit(url(site, page_name(SEED)), WIDE, scheme)
        colours[scheme] = v.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert colours["light"] == "rgb(255, 255, 255)" and colours["dark"] != colours["light"]


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_screenshots(site, visit, width):
    """Saved as test artifacts (artifacts/screenshots/); THREADPORT_UPDATE_DOCS=1 also refreshes docs/pair-page.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", page_name(SEED)):
        v = visit(url(site, name), width)
        out = SCREENSHOTS / f"{Path(name).stem}-{width}.png"
        v.page.screenshot(path=str(out), full_page=width == NARROW)
        assert out.stat().st_size > 10_000, "a real picture, not a blank page"
    # The README's picture: the seed page's code, from its first entry point on.
    if width == WIDE:
        v = visit(url(site, page_name(SEED)), width)
        first_entry = v.page.locator(".segment[id^='code-']:not([id^='code-part-'])").first
        v.page.goto(url(site, page_name(SEED)) + "#" + first_entry.get_attribute("id"))
        out = SCREENSHOTS / f"{Path(page_name(SEED)).stem}-{width}-code.png"
        v.page.screenshot(path=str(out))
        assert out.stat().st_size > 10_000
        if os.environ.get("THREADPORT_UPDATE_DOCS") == "1":
            shutil.copyfile(out, REPO / "docs" / "pair-page.png")
