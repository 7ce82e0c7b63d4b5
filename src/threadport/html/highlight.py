"""Pygments tokens as HTML, one source line at a time, with changed words wrapped.

The whole file is lexed at once (a docstring spans lines), then cut at the
newlines, so each aligned row can carry its own line and its own marks.
Changed parts become <del> (legacy) or <ins> (modern): screen readers
announce them, and the page does not rely on colour alone.
"""

from __future__ import annotations

from html import escape

from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES

LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def _css_class(ttype) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def token_lines(lines: list[str], lexer_name: str) -> list[list[tuple[str, str]]]:
    """Per source line, its (css class, text) runs."""
    lexer = get_lexer_by_name(lexer_name, stripnl=False, ensurenl=True)
    out: list[list[tuple[str, str]]] = [[]]
    for ttype, value in lexer.get_tokens("\n".join(lines)):
        for k, part in enumerate(value.split("\n")):
            if k:
                out.append([])
            if not part:
                continue
            css = _css_class(ttype)
            if out[-1] and out[-1][-1][0] == css:  # one span for "'working'", not three
                out[-1][-1] = (css, out[-1][-1][1] + part)
            else:
                out[-1].append((css, part))
    out = out[: len(lines)]
    return out + [[] for _ in range(len(lines) - len(out))]


def line_html(runs: list[tuple[str, str]], marks: list[tuple[int, int]] = (), tag: str = "del") -> str:
    """One line's HTML; characters inside ``marks`` ranges are wrapped in ``tag``."""
    pieces: list[tuple[bool, str, str]] = []  # (marked, css class, text)
    offset = 0
    for css, text in runs:
        cuts = {0, len(text)}
        for start, end in marks:
            for point in (start - offset, end - offset):
                if 0 < point < len(text):
                    cuts.add(point)
        edges = sorted(cuts)
        for a, b in zip(edges, edges[1:]):
            at = offset + a
            marked = any(start <= at < end for start, end in marks)
            pieces.append((marked, css, text[a:b]))
        offset += len(text)
    html: list[str] = []
    open_mark = False
    for marked, css, text in pieces:
        if marked and not open_mark and text.strip():
            html.append(f"<{tag}>")
            open_mark = True
        elif not marked and open_mark:
            html.append(f"</{tag}>")
            open_mark = False
        body = escape(text, quote=False)
        html.append(f'<span class="{css}">{body}</span>' if css else body)
    if open_mark:
        html.append(f"</{tag}>")
    return "".join(html)


def snippet_html(code: str, lexer_name: str) -> str:
    """A one-line snippet (a note's legacy or modern example), highlighted."""
    return line_html(token_lines([code], lexer_name)[0])


def _token_rules(style: str, scope: str) -> list[str]:
    # Only the token colours: backgrounds are the site's own, so contrast is
    # designed once in site.css instead of inherited from each style.
    rules = HtmlFormatter(style=style).get_style_defs(scope).splitlines()
    return [rule for rule in rules if rule.startswith(f"{scope} .") and not rule.startswith(f"{scope} .hll")]


def pygments_css() -> str:
    light = _token_rules(LIGHT_STYLE, ".hl")
    dark = _token_rules(DARK_STYLE, ".hl")
    return "\n".join(
        [f"/* token colours: pygments styles '{LIGHT_STYLE}' (light) and '{DARK_STYLE}' (dark) */", *light]
        + ["@media (prefers-color-scheme: dark) {", *("  " + rule for rule in dark), "}"]
    )
