"""Pygments tokens as HTML, one source line at a time, with changed words wrapped.

The whole file is lexed at once (a docstring spans lines), then cut at the
newlines, so each aligned row can carry its own line and its own marks.
Changed parts become <del> (legacy) or <ins> (modern): screen readers
announce them, and the page does not rely on colour alone.
"""

from __future__ import annotations

from html import escape

from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

from threadport.emphasis import lex

LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def _css_class(ttype) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def token_lines(lines: list[str], lexer_name: str) -> list[list[tuple[str, str]]]:
    """Per source line, its (css class, text) runs."""
    return css_runs(lex(lines, lexer_name).runs)


def css_runs(lines) -> list[list[tuple[str, str]]]:
    """Token-typed runs -> (css class, text) runs, neighbours of one class merged."""
    out = []
    for runs in lines:
        line: list[tuple[str, str]] = []
        for ttype, text in runs:
            css = _css_class(ttype)
            if line and line[-1][0] == css:
                line[-1] = (css, line[-1][1] + text)
            else:
                line.append((css, text))
        out.append(line)
    return out


def line_html(runs: list[tuple[str, str]], marks=(), tag: str = "del") -> str:
    """One line's HTML. ``marks`` are (start, end) or (start, end, kind) ranges: kind "key"
    (a rename the pair teaches) becomes ``<tag class="key">``, any other kind a plain ``<tag>``."""
    ranges = [(m[0], m[1], m[2] if len(m) > 2 else "word") for m in marks]

    def kind_at(at: int) -> str | None:
        kinds = {kind for start, end, kind in ranges if start <= at < end}
        return "key" if "key" in kinds else ("word" if kinds else None)

    pieces: list[tuple[str | None, str, str]] = []  # (mark kind, css class, text)
    offset = 0
    for css, text in runs:
        cuts = {0, len(text)}
        for start, end, _ in ranges:
            for point in (start - offset, end - offset):
                if 0 < point < len(text):
                    cuts.add(point)
        edges = sorted(cuts)
        for a, b in zip(edges, edges[1:]):
            pieces.append((kind_at(offset + a), css, text[a:b]))
        offset += len(text)
    html: list[str] = []
    open_kind: str | None = None
    for kind, css, text in pieces:
        if kind != open_kind and open_kind is not None:
            html.append(f"</{tag}>")
            open_kind = None
        if kind is not None and open_kind is None and text.strip():
            html.append(f'<{tag} class="key">' if kind == "key" else f"<{tag}>")
            open_kind = kind
        body = escape(text, quote=False)
        html.append(f'<span class="{css}">{body}</span>' if css else body)
    if open_kind is not None:
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
