"""The HTML tour in a real browser, at 1280 and 390 px: layout, the course, results, accessibility.

Fast by construction: the site is built once per session (conftest), every page is
loaded once per width (``toured``, LANES pages at once) and measured in a single script
call, and the same load is scanned by axe-core in both colour schemes; the many small
tests below only read those measurements. Links are checked from the files, without a
browser round trip per link.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import AXE_JS, NARROW, REPO, SCREENSHOTS, TOUR_FIXTURES, WIDE
from key_renames import KEY_RENAMES

from threadport.catalog import load_catalog
from threadport.html import page_name

CATALOG = list(load_catalog())
PAIRS = [pair.stem for pair in CATALOG]
SEED = "threading_notes" if "threading_notes" in PAIRS else PAIRS[0]
PAGES = ["index.html", "clock.html"] + [page_name(stem) for stem in PAIRS]
WIDTHS = [WIDE, NARROW]


def url(site: Path, name: str = "index.html") -> str:
    return (site / name).resolve().as_uri()


# Everything a test needs from one page at one width, measured in one call.
MEASURE = r"""() => {
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const box = e => e.getBoundingClientRect().toJSON();
  const facts = {
    noPageScroll: document.documentElement.scrollWidth <= window.innerWidth,
    stylesheets: document.styleSheets.length,
    diffs: [...document.querySelectorAll('.diff')].map(diff => {
      const cells = [...diff.querySelectorAll(':scope > .line')];
      const rows = [];
      for (let i = 0; i < cells.length; i += 2) {
        rows.push({legacy: box(cells[i]), modern: box(cells[i + 1]),
                   legacyGap: cells[i].classList.contains('gap'), modernGap: cells[i + 1].classList.contains('gap')});
      }
      return {heads: [...diff.querySelectorAll(':scope > .side-head')].map(box), rows,
              background: getComputedStyle(diff).backgroundImage,
              scrolls: diff.scrollWidth > diff.clientWidth + 1, focusable: diff.tabIndex === 0};
    }),
    wrapped: 0,
    badWraps: [],
    keys: {
      legacy: [...document.querySelectorAll('.line.legacy del.key')].filter(visible)
        .filter(e => Number(getComputedStyle(e).fontWeight) >= 700).map(e => e.textContent.trim()),
      modern: [...document.querySelectorAll('.line.modern ins.key')].filter(visible)
        .filter(e => Number(getComputedStyle(e).fontWeight) >= 700).map(e => e.textContent.trim()),
    },
    nav: [...document.querySelectorAll('.course-nav')].map(n => ({
      prev: n.querySelector('a[rel=prev]')?.getAttribute('href'),
      next: n.querySelector('a[rel=next]')?.getAttribute('href'),
      visible: visible(n.querySelector('a[rel=prev]')) && visible(n.querySelector('a[rel=next]')),
    })),
    seedClaims: [...document.querySelectorAll('li[id^="seed-claim-"]')].map(li => ({
      href: li.querySelector('p a')?.getAttribute('href'), visible: visible(li),
      verdicts: [...li.querySelectorAll('.verdicts li')].filter(visible).map(v => v.textContent.trim()),
    })),
    timelineRows: [...document.querySelectorAll('#timeline tbody tr')].filter(visible)
      .map(tr => [...tr.children].map(c => c.textContent.trim())),
    claimsTable: [...document.querySelectorAll('.claims-table tbody tr')].filter(visible)
      .map(tr => [...tr.children].map(c => c.textContent.trim())),
    ledgerRows: [...document.querySelectorAll('.ledger tbody tr')].filter(visible).length,
    captions: [...document.querySelectorAll('.caption')].map(c => ({
      text: c.textContent.trim(), right: c.getBoundingClientRect().right, fits: c.scrollWidth <= c.clientWidth + 1})),
    clockLinks: [...document.querySelectorAll('.transcript .facts a[href="clock.html"]')].length,
    transcripts: document.querySelectorAll('.run .transcript').length,
    exercise: !!document.querySelector('details.answer > summary'),
  };
  for (const code of document.querySelectorAll('.diff .line:not(.gap) code')) {
    if (!visible(code)) continue;
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let first = null, node;
    while ((node = walker.nextNode())) {
      const at = node.data.search(/\S/);
      if (at >= 0) { first = [node, at]; break; }
    }
    if (!first) continue;
    const one = document.createRange();
    one.setStart(first[0], first[1]); one.setEnd(first[0], first[1] + 1);
    const start = one.getBoundingClientRect();
    const all = document.createRange();
    all.selectNodeContents(code);
    const rows = {};
    for (const r of all.getClientRects()) {
      if (r.width < 0.5) continue;
      const top = Math.round(r.top);
      rows[top] = Math.min(rows[top] ?? Infinity, r.left);
    }
    const later = Object.keys(rows).map(Number).filter(top => top > start.top + 2);
    if (later.length) facts.wrapped += 1;
    // A continuation must start further in than the line's own first character.
    for (const top of later) if (rows[top] <= start.left + 1) facts.badWraps.push(code.textContent.slice(0, 70));
  }
  return facts;
}"""


# axe-core is the slow part (seconds per page, most of it color-contrast): every page at
# 1280 px, and at 390 px the pages whose kinds of content differ (index, clock, the seed's
# pair page, which has every kind of block a pair page has); colours do not change with the width.
AXE_PAGES = {WIDE: PAGES, NARROW: ["index.html", "clock.html", page_name(SEED)]}
SCHEMES = ["light", "dark"]
# Pages at once, each in a browser context (a renderer process) of its own. One: in CI the tour
# env runs beside the matrix, whose envs keep both cores busy, so a second renderer process
# shortens nothing and costs CPU of its own (its own compile of axe-core, its own caches):
# side by side on one site, 86.3 / 75.3 s of CPU with two, 80.5 / 67.4 s with one (load 5-6).
LANES = 1
# Each scan is one axe-core run on the load. In the light scheme, every rule: the colour ones (axe-core's
# tag cat.color) on the page's colour targets (PICK_COLOUR_TARGETS), every other rule on the whole
# page. In the dark one, the colour rules alone, on that scheme's targets: the dark scheme changes
# colours and letters only (test_the_dark_scheme_changes_colours_and_letters_only), so every other
# rule would see the same page again. The colour rules are held to the targets by their selectors,
# narrowed to the elements marked COLOUR_MARK (the targets of this run): one run, where a run of the
# other rules on the page and then one of the colour rules on the targets each built axe-core's
# tree of the whole page, and the colour rules looked inside the targets too, at elements whose
# kinds are looked at where they first occur. The whole browser suite side by side on one site
# (cgroup, load 6-8): 52.1 / 51.9 -> 45.9 / 39.2 s of CPU. test_the_colour_rules_look_at_the_targets_and_only_at_them.
# ``colour``: null for every rule, or the ids of the colour rules to run.
COLOUR_MARK = "data-colour-target"
AXE_RUN = """({colour, mark}) => { window.axeScan = (async () => {
  for (const element of document.querySelectorAll(`[${mark}]`)) element.removeAttribute(mark);
  for (const element of window.colourTargets) element.setAttribute(mark, '');
  if (colour !== null && !window.colourTargets.length) return {};
  if (!axe._audit) throw new Error('axe-core without _audit: the colour rules cannot be held to the targets');
  axe.configure({rules: axe.getRules(['cat.color']).map(({ruleId}) => {
    const rule = axe._audit.rules.find(rule => rule.id === ruleId);
    rule.pageSelector ??= rule.selector;
    return {id: ruleId, selector: rule.pageSelector.split(',').map(part => `${part.trim()}[${mark}]`).join(', ')};
  })});
  const violations = {resultTypes: ['violations']};
  const only = colour === null ? {} : {runOnly: {type: 'rule', values: colour}};
  return {scan: await axe.run(document, {...violations, ...only})};
})(); }"""
COLOUR_TAG = "cat.color"
# The colour rules (color-contrast, link-in-text-block) are most of a scan's time, and what they
# tell of an element follows from what its kind (below) is made of: the colours, backgrounds,
# opacity, text size, weight, slant and decoration of the element and of every element around it
# up to the root, whether its contents are drawn inside the box that clips them, and for a link,
# whether it sits in a block of other text. Two elements of one kind get the same answer, so at
# each width and scheme the colour rules look at the first element of each kind in the pass over
# the site (PAGES in order) and at nothing that repeats a kind already looked at: the pair pages
# are one template over different code, and most of their thousands of code tokens repeat a few
# dozen kinds. (The site's one positioned element, the skip link, is off the page until focused,
# so what lies behind an element is what surrounds it.)
# test_the_colour_rules_see_every_kind_of_element holds them to every kind on every scanned page,
# and test_an_element_of_another_kind_is_looked_at to a new kind for each property changed.
COLOUR_KIND_PROPERTIES = [
    "color", "-webkit-text-fill-color", "background-color", "background-image", "opacity", "filter",
    "mix-blend-mode", "visibility", "position", "z-index", "font-size", "font-weight", "font-style",
    "text-decoration-line", "text-decoration-color", "text-shadow", "border-bottom-style",
    "border-bottom-color", "outline-style",
]  # fmt: skip
# seen: the kinds already looked at. Sets window.colourTargets (an element of each kind of this page
# not in seen; AXE_RUN's colour run) and returns every kind on the page and the targets' kinds.
PICK_COLOUR_TARGETS = """([properties, seen]) => {
  const chains = new Map(), clips = new Map();
  const chain = e => {
    if (!e) return '';
    if (!chains.has(e)) {
      const style = getComputedStyle(e);
      chains.set(e, properties.map(name => style.getPropertyValue(name)).join('|') + ' < ' + chain(e.parentElement));
    }
    return chains.get(e);
  };
  const clip = e => {  // the nearest element around e that clips what overflows it, or the root
    const around = e.parentElement;
    if (!around) return e;
    if (!clips.has(around)) {
      const style = getComputedStyle(around);
      clips.set(around, style.overflowX !== 'visible' || style.overflowY !== 'visible' ? around : clip(around));
    }
    return clips.get(around);
  };
  const kind = e => {
    const text = document.createRange();  // where its contents are drawn (they may overflow its box)
    text.selectNodeContents(e);
    const box = text.getBoundingClientRect(), edge = clip(e).getBoundingClientRect();
    const inside = box.left >= edge.left - 0.5 && box.right <= edge.right + 0.5
      && box.top >= edge.top - 0.5 && box.bottom <= edge.bottom + 0.5;
    const inText = e.tagName === 'A' && e.parentElement.textContent.trim() !== e.textContent.trim();
    return `${e.tagName} ${inside ? 'inside' : 'clipped'}${inText ? ' in text' : ''} ${chain(e)}`;
  };
  const known = new Set(seen), kinds = new Set(), targets = [];
  for (const e of [document.body, ...document.body.querySelectorAll('*')]) {
    if (e.tagName !== 'A' && ![...e.childNodes].some(node => node.nodeType === 3 && node.data.trim())) continue;
    const found = kind(e);
    kinds.add(found);
    if (!known.has(found)) {
      known.add(found);
      targets.push(e);
    }
  }
  window.colourTargets = targets;
  return {kinds: [...kinds], targets: targets.map(kind)};
}"""
# Where every element's box is, and how far it scrolls: its count and a hash of them (FNV-1a,
# eighths of a pixel), compared between the schemes (test_the_dark_scheme_moves_nothing)
LAYOUT = """() => {
  let hash = 2166136261, count = 0;
  const mix = value => { hash = Math.imul(hash ^ value, 16777619) >>> 0; };
  for (const element of document.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    for (const value of [box.x, box.y, box.width, box.height]) mix(Math.round(value * 8));
    mix(element.scrollWidth); mix(element.scrollHeight);
    count += 1;
  }
  return `${count}:${hash.toString(16)}`;
}"""
BODY_COLOUR = "() => getComputedStyle(document.body).backgroundColor"


def serious(result: dict) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        f" at {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def rules_run(result: dict, tag: str | None = None) -> list[str]:
    """The ids of the rules an axe-core scan ran (whatever their outcome), those with ``tag`` only if given."""
    kinds = ("violations", "passes", "incomplete", "inapplicable")
    return sorted({rule["id"] for kind in kinds for rule in result[kind] if tag is None or tag in rule["tags"]})


def evaluate_json(page, function: str):
    """page.evaluate for a large result: one JSON string through the driver is much cheaper
    than Playwright's own serialization of every object (half a second for a big pair page)."""
    return json.loads(page.evaluate(f"() => JSON.stringify(({function})())"))


class Lane:
    """A browser context and its page, which loads the tour's pages in turn and keeps each
    load's console errors and the requests it tried to make outside (aborted: the tour is offline).
    With ``axe``, axe-core is in every page it loads, ready to scan: given to the context once as
    an init script, its source is compiled once, instead of sent and compiled again on each page
    that is scanned (add_script_tag: about 0.4 s of CPU a page, against 0.1 s)."""

    def __init__(self, browser, axe: Path | None = None):
        self.context = browser.new_context()
        self.axe = axe is not None
        if axe is not None:
            self.context.add_init_script(path=str(axe))
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def load(self, site: Path, name: str, width: int) -> dict:
        """The page at this width in the light scheme, measured (MEASURE) right after its load."""
        self.errors.clear()
        self.outside.clear()
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.emulate_media(color_scheme="light")
        self.page.goto(url(site, name))
        self.page.wait_for_load_state("load")
        facts = evaluate_json(self.page, MEASURE)
        facts["errors"], facts["outside"] = list(self.errors), list(self.outside)
        return facts


SHOT_PAGES = ("index.html", page_name(SEED))
CODE_SHOT = "#code-testIsAliveOnSleeper"  # the README's picture: the seed's polling demo, isAlive() -> is_alive()


def screenshots(page, site: Path, name: str, width: int) -> list[Path]:
    """Pictures of the page as loaded (artifacts/screenshots/): the whole page at 390 px, the
    first screen at 1280 px, and on the seed's page at 1280 px its polling demo too."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{Path(name).stem}-{width}.png"
    page.screenshot(path=str(out), full_page=width == NARROW)
    taken = [out]
    if name == page_name(SEED) and width == WIDE:
        page.goto(url(site, name) + CODE_SHOT)
        taken.append(SCREENSHOTS / f"{Path(name).stem}-{width}-code.png")
        page.screenshot(path=str(taken[-1]))
        page.evaluate("() => window.scrollTo(0, 0)")
    return taken


def reveal_by_keyboard(page) -> dict:
    """The seed's exercise opened as a reader opens it, on the tour's own load of the page: the
    answer hidden at first, then focus on its summary and Enter. Afterwards the page is as the
    scans had it before (nothing focused, scrolled to the top); the answer stays open, which the
    scans want anyway (its colours too)."""
    answer = page.locator("details.answer pre")
    seen = {"hidden_at_first": not answer.is_visible()}
    page.locator("details.answer > summary").focus()
    page.keyboard.press("Enter")
    seen["shown_after_enter"] = answer.is_visible()
    seen["first_line"] = answer.inner_text().splitlines()[0] if seen["shown_after_enter"] else None
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    return seen


@pytest.fixture(scope="module")
def lanes(browser, axe_ready):
    """LANES browser contexts for the module: the pass over the site (``toured``) loads its pages in
    them, and the keyboard test borrows one for a fresh load instead of starting a context of its own.
    axe-core is in their pages if it is there once .ci/run's install of it has ended (``axe_ready``)."""
    made = [Lane(browser, AXE_JS if axe_ready else None) for _ in range(LANES)]
    yield made
    for lane in made:
        lane.context.close()


@pytest.fixture(scope="module")
def toured(site, lanes) -> dict:
    """One pass over the site, each page loaded once per width: measured (``looked``, which
    every layout test reads), and on AXE_PAGES[width] scanned by axe-core in the light scheme,
    then in the dark one (the same load, the scheme switched by media emulation; the colour
    rules only, AXE_RUN), the colour rules on the kinds of element not looked at yet in that
    scheme at that width (PICK_COLOUR_TARGETS), with the body's colour in each. LANES pages at once:
    each lane loads, measures and starts axe without waiting, then the lanes' scans are
    collected. The seed's page is also where its exercise is opened by keyboard
    (``reveal_by_keyboard``), at each width, after its measurements and pictures. Without
    axe-core the pages are measured and not scanned (the axe_js fixture skips, or fails in CI)."""
    looked: dict[tuple[str, int], dict] = {}
    found: dict[tuple[str, int], list[str]] = {(scheme, width): [] for scheme in SCHEMES for width in WIDTHS}
    ran: dict[tuple[str, int, str], list[str]] = {}  # (page, width, scheme) -> rules run
    # (page, width, scheme) -> the kinds of element on the page, and those its colour targets are
    kinds: dict[tuple[str, int, str], list[str]] = {}
    targeted: dict[tuple[str, int, str], list[str]] = {}
    seen: dict[tuple[str, int], set[str]] = {(scheme, width): set() for scheme in SCHEMES for width in WIDTHS}
    colour_rules: list[str] | None = None  # the colour rules the first light scan ran
    colours: dict[tuple[str, int, str], str] = {}
    layouts: dict[tuple[str, int], tuple[str, str]] = {}  # (page, width) -> LAYOUT light, dark
    shots: dict[int, list[Path]] = {width: [] for width in WIDTHS}
    exercise: dict[int, dict] = {}
    scan = all(lane.axe for lane in lanes)  # axe-core in their pages (``lanes``)

    def start_scan(page, name: str, width: int, scheme: str) -> None:
        picked = page.evaluate(PICK_COLOUR_TARGETS, [COLOUR_KIND_PROPERTIES, sorted(seen[scheme, width])])
        kinds[name, width, scheme], targeted[name, width, scheme] = picked["kinds"], picked["targets"]
        seen[scheme, width].update(picked["kinds"])
        page.evaluate(AXE_RUN, {"colour": None if scheme == "light" else colour_rules, "mark": COLOUR_MARK})

    jobs = [(name, width) for width in WIDTHS for name in PAGES]
    for start in range(0, len(jobs), LANES):
        in_both_schemes = []
        for lane, (name, width) in zip(lanes, jobs[start : start + LANES]):
            looked[name, width] = lane.load(site, name, width)
            if name in SHOT_PAGES:
                shots[width] += screenshots(lane.page, site, name, width)
            if name == page_name(SEED):
                exercise[width] = reveal_by_keyboard(lane.page)
            if name in AXE_PAGES[width]:
                colours[name, width, "light"] = lane.page.evaluate(BODY_COLOUR)
                if scan:
                    if name == page_name(SEED):
                        lane.page.locator("details.answer").evaluate("d => d.open = true")  # the answer's colours too
                    start_scan(lane.page, name, width, "light")
                in_both_schemes.append((lane.page, name, width))
        for scheme in SCHEMES:
            for page, name, width in in_both_schemes:
                if scan:
                    scans = json.loads(page.evaluate("async () => JSON.stringify(await window.axeScan)"))
                    found[scheme, width] += [f"{name}: {p}" for result in scans.values() for p in serious(result)]
                    ran[name, width, scheme] = sorted({rule for result in scans.values() for rule in rules_run(result)})
                    if colour_rules is None:
                        colour_rules = rules_run(scans["scan"], COLOUR_TAG)
                if scheme == "light":  # the same load in the dark scheme
                    before = page.evaluate(LAYOUT)
                    page.emulate_media(color_scheme="dark")
                    layouts[name, width] = (before, page.evaluate(LAYOUT))
                    colours[name, width, "dark"] = page.evaluate(BODY_COLOUR)
                    if scan:
                        start_scan(page, name, width, "dark")
    return {
        "looked": looked,
        "axe": found,
        "ran": ran,
        "colour_rules": colour_rules,
        "kinds": kinds,
        "targeted": targeted,
        "layouts": layouts,
        "colours": colours,
        "shots": shots,
        "exercise": exercise,
    }


@pytest.fixture(scope="module")
def looked(toured) -> dict[tuple[str, int], dict]:
    """Every page at both widths, loaded once, measured once; console errors and outside requests kept."""
    return toured["looked"]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_console_error_nothing_from_outside_no_sideways_page(looked, width):
    for name in PAGES:
        facts = looked[name, width]
        assert facts["errors"] == [] and facts["outside"] == [], name
        assert facts["stylesheets"] == 1, f"{name}: the stylesheet loaded from file://"
        assert facts["noPageScroll"], f"{name} is wider than {width} px"


@pytest.mark.parametrize("stem", PAIRS)
def test_two_aligned_columns_that_use_the_width_at_1280(looked, stem):
    facts = looked[page_name(stem), WIDE]
    assert facts["diffs"], "the page shows code"
    for diff in facts["diffs"]:
        legacy_head, modern_head = diff["heads"]
        assert legacy_head["top"] == modern_head["top"] and legacy_head["right"] <= modern_head["left"] + 1
        assert modern_head["right"] - legacy_head["left"] > WIDE * 0.9, "the panes use the page's width"
        assert "repeating-linear-gradient" in diff["background"], "gaps are hatched, not blank"
        for row in diff["rows"]:
            left, right = row["legacy"], row["modern"]
            assert abs(left["top"] - right["top"]) < 1, row
            assert left["right"] <= right["left"] + 1, "legacy on the left, modern on the right"
            assert left["width"] > 500 and right["width"] > 500, "each column gets half the page"


@pytest.mark.parametrize("stem", PAIRS)
def test_stacked_at_390(looked, stem):
    for diff in looked[page_name(stem), NARROW]["diffs"]:
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


@pytest.mark.parametrize("width", WIDTHS)
def test_no_code_line_wraps_back_to_column_0(looked, width):
    """Side by side, a long line wraps with a hanging indent; stacked, the pane scrolls instead."""
    wrapped = scrolling = 0
    for stem in PAIRS:
        facts = looked[page_name(stem), width]
        assert facts["badWraps"] == [], f"{stem}: continuations not indented: {facts['badWraps'][:3]}"
        wrapped += facts["wrapped"]
        for diff in facts["diffs"]:
            scrolling += diff["scrolls"]
            assert diff["focusable"] or not diff["scrolls"], f"{stem}: a pane that scrolls takes keyboard focus"
    if width == WIDE:
        assert wrapped > 10, "at 1280 px the seed's long lines wrap, so the check above saw real continuations"
    else:
        assert wrapped == 0 and scrolling > 5, "at 390 px code lines stay whole and their panes scroll sideways"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("stem", sorted(KEY_RENAMES))
def test_every_key_rename_is_emphasised_and_visible(looked, stem, width):
    legacy, modern = KEY_RENAMES[stem]
    keys = looked[page_name(stem), width]["keys"]
    assert legacy <= set(keys["legacy"]), f"legacy renames not emphasised: {legacy - set(keys['legacy'])}"
    assert modern <= set(keys["modern"]), f"modern renames not emphasised: {modern - set(keys['modern'])}"


@pytest.mark.parametrize("width", WIDTHS)
def test_prev_next_links_chain_every_pair_in_catalogue_order(looked, width):
    chain = []
    for position, stem in enumerate(PAIRS):
        navs = looked[page_name(stem), width]["nav"]
        assert len(navs) == 2 and all(n["visible"] for n in navs), f"{stem}: prev/next at the top and the bottom"
        expected_prev = page_name(PAIRS[position - 1]) if position else "index.html"
        expected_next = page_name(PAIRS[position + 1]) if position + 1 < len(PAIRS) else "index.html"
        assert all(n["prev"] == expected_prev and n["next"] == expected_next for n in navs), stem
        chain.append(navs[0]["next"])
    assert chain[:-1] == [page_name(stem) for stem in PAIRS[1:]]


def claims_fixture() -> list[dict]:
    path = Path(os.environ.get("THREADPORT_CLAIMS", TOUR_FIXTURES / "claims.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def timeline_fixture() -> dict:
    path = Path(os.environ.get("THREADPORT_TIMELINE", TOUR_FIXTURES / "timeline.json"))
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_seed_claim_links_to_its_pair_with_a_verdict_per_interpreter(looked, width):
    claims = claims_fixture()
    shown = looked[page_name(SEED), width]["seedClaims"]
    assert len(shown) == len(claims) and all(item["visible"] for item in shown)
    for claim, item in zip(claims, shown):
        assert urlsplit(item["href"]).path == page_name(claim["pair"])
        assert len(item["verdicts"]) == len(claim["checks"]) >= 2, "a verdict per interpreter"
        for check, verdict in zip(claim["checks"], item["verdicts"]):
            word = "shown" if check["passed"] else "not shown"
            assert verdict.startswith(f"Python {'.'.join(check['python'].split('.')[:2])}: {word}")
    table = looked["index.html", width]["claimsTable"]
    assert len(table) == len(claims), "the index has the claims table too"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_and_the_ledger_are_on_the_pages(looked, width):
    timeline = timeline_fixture()
    for stem in PAIRS:
        rows = [row for row in timeline["rows"] if row["pair"] == stem]
        shown = looked[page_name(stem), width]["timelineRows"]
        assert len(shown) == len(rows), f"{stem}: one timeline row per entry point"
        for row, cells in zip(rows, shown):
            assert [cell.split()[0] if cell else "" for cell in cells[1:]] == [c["status"] for c in row["cells"]], (
                f"{stem}: the statuses of the run"
            )
    assert looked["index.html", width]["ledgerRows"] > 5, "the ledger table is on the index"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_transcript_links_the_clock_page_and_captions_are_not_clipped(looked, width):
    for stem in PAIRS:
        facts = looked[page_name(stem), width]
        assert facts["clockLinks"] == facts["transcripts"] > 0, f"{stem}: each transcript links the clock page"
    for name in PAGES:
        for caption in looked[name, width]["captions"]:
            assert caption["fits"] and caption["right"] <= width, f"{name}: caption clipped: {caption['text']}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_exercise_reveals_an_answer_from_a_run_by_keyboard(toured, width):
    """Opened by keyboard in the pass over the site (``reveal_by_keyboard``), on its load of the seed's page."""
    assert all(toured["looked"][page_name(stem), width]["exercise"] for stem in PAIRS), "one exercise per pair"
    timeline = timeline_fixture()
    row = next(r for r in timeline["rows"] if r["pair"] == SEED and any(c["status"] == "fails" for c in r["cells"]))
    cell = next(c for c in row["cells"] if c["status"] == "fails")
    seen = toured["exercise"][width]
    assert seen["hidden_at_first"], "the answer is hidden until asked for"
    assert seen["shown_after_enter"]
    assert seen["first_line"] == f"fails: {cell['detail']}"


def test_keyboard_reaches_every_link_starting_with_the_skip_link(site, lanes):
    page = lanes[0].page  # a fresh load in a context of the pass over the site: focus starts at the top
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.emulate_media(color_scheme="light")
    page.goto(url(site, page_name(SEED)))
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["left"] >= 0 and box["top"] >= 0, "the skip link shows when focused"
    focusable = "a[href], [tabindex='0'], summary"
    # Every element that takes the focus from here on is noted in the page: no round trip per key.
    targets = page.evaluate(
        f"""() => {{
          const all = [...document.querySelectorAll("{focusable}")];
          window.reached = new Set();
          document.addEventListener("focusin", event => window.reached.add(all.indexOf(event.target)));
          return all.length;
        }}"""
    )
    for _ in range(targets + 5):
        page.keyboard.press("Tab")
    reached = set(page.evaluate("() => [...window.reached]"))
    assert set(range(targets)) <= reached, "Tab visits every link, scroll region and disclosure"
    page.goto(url(site, page_name(SEED)))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_every_internal_link_resolves_read_from_the_files(site):
    """From the built files (no browser round trip per link): pages and #fragments exist."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids, self.hrefs = set(), []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "id" in attrs:
                self.ids.add(attrs["id"])
            if tag == "a" and attrs.get("href"):
                self.hrefs.append(attrs["href"])

    parsed = {}
    for path in site.glob("*.html"):
        parsed[path.name] = Links()
        parsed[path.name].feed(path.read_text(encoding="utf-8"))
    assert set(PAGES) <= set(parsed)
    checked = 0
    for name, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme == "https", f"{name}: external links are https: {href}"
                continue
            target = parts.path or name
            assert target in parsed, f"{name}: broken link {href}"
            assert not parts.fragment or parts.fragment in parsed[target].ids, (
                f"{name}: no #{parts.fragment} in {target}"
            )
            checked += 1
    assert checked >= len(PAIRS) * 10


def test_no_page_holds_a_path_of_the_building_machine(site):
    roots = {str(REPO), str(Path.home()), str(site.parent), "/tmp/", "/root/", "/home/"}
    for path in site.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found = [root for root in roots if root in text]
        assert found == [], f"{path.name} shows {found}"
        assert not re.search(r"(?<![\w.])/(?:usr|opt|var|work)/\w", text), f"{path.name} shows an absolute path"


@pytest.fixture(scope="module")
def axe_problems(toured, axe_js) -> dict[tuple[str, int], list[str]]:
    """(scheme, width) -> the serious violations axe-core found on AXE_PAGES[width] (``toured``)."""
    return toured["axe"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation(axe_problems, scheme, width):
    assert axe_problems[scheme, width] == []


def test_the_scans_run_every_rule_light_and_the_colour_rules_dark(toured, axe_js):
    ran, colour = toured["ran"], set(toured["colour_rules"])
    scanned = [(name, width) for width in WIDTHS for name in AXE_PAGES[width]]
    assert sorted({(name, width) for name, width, _ in ran}) == sorted(scanned)
    assert {"color-contrast", "link-in-text-block"} <= colour
    for name, width in scanned:
        light, dark = set(ran[name, width, "light"]), set(ran[name, width, "dark"])
        # every rule in the light scheme (a few that look at anything but colours, for a start),
        # the colour rules wherever the page has a kind of element not looked at yet
        assert {"region", "list", "scrollable-region-focusable", "avoid-inline-spacing"} <= light, (name, width)
        for scheme, rules in (("light", light), ("dark", dark)):
            if toured["targeted"][name, width, scheme]:
                assert colour <= rules, (name, width, scheme, sorted(colour - rules))
        assert dark <= colour, (name, width, sorted(dark - colour))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_colour_rules_see_every_kind_of_element(toured, axe_js, scheme, width):
    """Every kind of element on every scanned page was among some page's colour targets, once."""
    pages = AXE_PAGES[width]
    on_pages = {kind for name in pages for kind in toured["kinds"][name, width, scheme]}
    targeted = [kind for name in pages for kind in toured["targeted"][name, width, scheme]]
    assert len(targeted) == len(set(targeted)), "a kind looked at twice"
    assert set(targeted) == on_pages
    # the code's tokens, links, headings, table cells...: many kinds, not a few that lump them together
    assert len(on_pages) > 40


# One element per property the colour rules read, each of a kind of its own but for "again",
# which repeats "plain": only "again" is left out of the colour targets. ("boxed" is a kind of its
# own as it is one element further from the root, and "clipped" differs from it only by the clip.)
KINDS_PAGE = """<!doctype html><html lang="en"><title>kinds</title><style>
.grey { color: #767676 } .big { font-size: 24px } .bold { font-weight: 700 } .slant { font-style: italic }
.under { text-decoration: underline } .dark { background: #222; color: #eee } .faint { opacity: 0.5 }
.clip { width: 3em; overflow: hidden; white-space: nowrap }
</style><main>
<p id="plain">plain</p><p id="again">again</p><p id="grey" class="grey">grey</p><p id="big" class="big">big</p>
<p id="bold" class="bold">bold</p><p id="slant" class="slant">slant</p><p id="under" class="under">under</p>
<div class="dark"><p id="on-dark">on a dark block</p></div><div class="faint"><p id="faint">faint</p></div>
<p><a id="in-text" href="#plain">a link</a> in a sentence</p><p><a id="alone" href="#plain">a link alone</a></p>
<div><p id="boxed">in a box</p></div><div class="clip"><p id="clipped">a line longer than its box</p></div>
</main></html>"""


def test_an_element_of_another_kind_is_looked_at(lanes):
    page = lanes[0].page
    page.set_content(KINDS_PAGE)
    picked = page.evaluate(PICK_COLOUR_TARGETS, [COLOUR_KIND_PROPERTIES, []])
    ids = page.evaluate("() => window.colourTargets.map(e => e.id || e.tagName)")
    kinds = ["plain", "grey", "big", "bold", "slant", "under", "on-dark", "faint", "in-text", "alone", "boxed"]
    assert [i for i in ids if i not in ("P", "MAIN", "BODY")] == [*kinds, "clipped"]
    assert len(picked["targets"]) == len(ids) == len(set(picked["targets"]))
    # the same page again, its kinds seen: nothing left to look at
    again = page.evaluate(PICK_COLOUR_TARGETS, [COLOUR_KIND_PROPERTIES, picked["kinds"]])
    assert again["targets"] == [] and sorted(again["kinds"]) == sorted(picked["kinds"])


# A faint paragraph (#bbb on white: a contrast of 1.9), a plain one, and an image with no text
# alternative, which a rule other than the colour ones finds wherever it is.
CONTRAST_PAGE = """<!doctype html><html lang="en"><title>contrast</title><main>
<p id="faint" style="color: #bbb">too faint to read</p><p id="plain">plain</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">
</main></html>"""


def test_the_colour_rules_look_at_the_targets_and_only_at_them(lanes, axe_js, tmp_path):
    """AXE_RUN narrows the colour rules to the colour targets, and leaves the other rules the whole page."""
    page = lanes[0].page
    (tmp_path / "contrast.html").write_text(CONTRAST_PAGE, encoding="utf-8")
    page.goto((tmp_path / "contrast.html").as_uri())

    def found(targets: list[str], colour: list[str] | None) -> dict[str, list]:
        page.evaluate("ids => { window.colourTargets = ids.map(id => document.getElementById(id)); }", targets)
        page.evaluate(AXE_RUN, {"colour": colour, "mark": COLOUR_MARK})
        scans = json.loads(page.evaluate("async () => JSON.stringify(await window.axeScan)"))
        return {v["id"]: [node["target"] for node in v["nodes"]] for v in scans["scan"]["violations"]}

    light = found(["faint"], None)
    assert light.get("color-contrast") == [["#faint"]] and "image-alt" in light
    light = found(["plain"], None)  # the faint paragraph is no target: not looked at
    assert "color-contrast" not in light and "image-alt" in light
    dark = found(["faint"], ["color-contrast", "link-in-text-block"])  # the colour rules alone
    assert dark == {"color-contrast": [["#faint"]]}


def scheme_blocks(css: str) -> list[str]:
    """The body of each @media rule of the stylesheet whose condition names prefers-color-scheme."""
    blocks = []
    for match in re.finditer(r"@media[^{;]*prefers-color-scheme[^{;]*\{", css):
        depth, at = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[at], 0)
            at += 1
        blocks.append(css[match.end() : at - 1])
    return blocks


def is_colour(value: str) -> bool:
    """A hex colour, or a gradient of hex colours (the hatching)."""
    rest = re.sub(r"#[0-9a-fA-F]{3,8}\b", "", value).strip()
    gradient = r"(?:repeating-)?linear-gradient\([\d\s.,%degpx]*\)"  # angles, stops, no other colour
    return rest != value.strip() and (rest == "" or re.fullmatch(gradient, rest) is not None)


# What the dark scheme may set besides :root's colours (the code's token styles): paint, and the
# weight and slant of the code's letters, which could move text: test_the_dark_scheme_moves_nothing
DARK_PROPERTIES = {"color", "background-color", "text-decoration", "font-weight", "font-style"}


def test_the_dark_scheme_changes_colours_and_letters_only(site):
    """Why the dark scans run axe-core's colour rules alone (AXE_RUN). The dark scheme is blocks of the
    stylesheet that give :root's colour properties other colours and the code's tokens other colours,
    weights and slants (DARK_PROPERTIES), and nothing else on the pages reads the scheme (no script,
    no other style or media query). Of axe-core's rules that run by default, only its colour rules
    read a colour, a weight or a slant: apart from one look at colours, when it tells a data table from
    a layout one by its rows' backgrounds, which comes after a thead, caption or th, and every table
    of the tour has one. What the letters could move is held in place by test_the_dark_scheme_moves_nothing."""
    css = (site / "site.css").read_text(encoding="utf-8")
    root = re.search(r"^:root \{(.*?)\}", css, re.MULTILINE | re.DOTALL)
    light = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root.group(1)))
    blocks = scheme_blocks(css)
    assert blocks and len(blocks) == css.count("prefers-color-scheme")
    for block in blocks:
        block = re.sub(r"/\*.*?\*/", "", block, flags=re.DOTALL)
        rules = re.findall(r"([^{}]*)\{([^{}]*)\}", block)
        assert rules and re.sub(r"[^{}]*\{[^{}]*\}", "", block).strip() == "", "rule sets only"
        for selector, body in rules:
            for declaration in filter(None, (d.strip() for d in body.split(";"))):
                name, _, value = (part.strip() for part in declaration.partition(":"))
                if selector.strip() == ":root":
                    assert name in light, f"the dark scheme sets {name}, which the light one does not"
                    assert is_colour(value) and is_colour(light[name]), f"{name}: {value} is not a colour for a colour"
                else:
                    assert name in DARK_PROPERTIES, f"the dark scheme sets {name} of {selector.strip()}"
    for path in site.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for other in ("<script", "<style", "prefers-color-scheme", " media="):
            assert other not in text, f"{path.name} has {other}"
        for table in re.findall(r"<table\b.*?</table>", text, re.DOTALL):
            assert re.search(r"<(?:thead|caption|th)\b", table), f"{path.name}: a table with no thead, caption or th"


def test_the_dark_scheme_moves_nothing(toured):
    """Every box of every scanned page is where it was in the light scheme (LAYOUT, taken on the
    same load before and after the switch): the dark scheme's other weights and slants of the code's
    letters move no text, so no rule but the colour ones has anything new to see."""
    layouts = toured["layouts"]
    assert sorted(layouts) == sorted((name, width) for width in WIDTHS for name in AXE_PAGES[width])
    for (name, width), (light, dark) in layouts.items():
        assert int(light.split(":")[0]) > 20, f"{name}: {light} (element count: hash)"
        assert dark == light, f"{name} at {width} px: the dark scheme moved something"


def test_dark_scheme_is_dark_and_light_is_light(toured):
    colours = toured["colours"]
    assert len(colours) == 2 * sum(len(pages) for pages in AXE_PAGES.values())
    for (name, width, scheme), colour in colours.items():
        if scheme == "light":
            assert colour == "rgb(255, 255, 255)" and colours[name, width, "dark"] != colour, (name, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots(toured, width):
    """Saved as test artifacts (artifacts/screenshots/) by the pass over the site (``toured``);
    THREADPORT_UPDATE_DOCS=1 also refreshes docs/pair-page.png."""
    shots = toured["shots"][width]
    assert len(shots) == len(SHOT_PAGES) + (width == WIDE)
    for out in shots:
        assert out.stat().st_size > 10_000, f"{out.name}: a real picture, not a blank page"
    if width == WIDE:
        code = SCREENSHOTS / f"{Path(page_name(SEED)).stem}-{width}-code.png"
        assert code in shots
        if os.environ.get("THREADPORT_UPDATE_DOCS") == "1":
            shutil.copyfile(code, REPO / "docs" / "pair-page.png")
