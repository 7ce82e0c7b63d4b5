"""TP014: the low-level thread module's obsolete synonyms -> their documented names.

``thread.start_new`` / ``_thread.start_new`` -> ``start_new_thread``, ``allocate`` ->
``allocate_lock``, ``exit_thread`` -> ``exit``; ``from thread import start_new`` ->
``from thread import start_new_thread as start_new`` (the uses keep their name).
Never documented in Python 3 (2.7's docs call them obsolete synonyms); every interpreter
here still has them (the ledger probes them), but a reader or a type checker does not
know them. The documented names exist on 2.7 too, so the rename works in both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer import tokens as tk
from threadport.fixer._imports import imports_of, is_module
from threadport.fixer._methods import _rename
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.trigger import WORD_START, Attribute, Trigger

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token

CODE = "TP014"
SUMMARY = "_thread.start_new / allocate / exit_thread -> start_new_thread / allocate_lock / exit"
SYNONYMS = {"start_new": "start_new_thread", "allocate": "allocate_lock", "exit_thread": "exit"}
# Any ``thread.allocate`` site, called or not (``f = thread.allocate`` is reported too), and
# ``from [_]thread import`` with a synonym in its list of names (a synonym imported under
# another name is never called as one; ``from _thread import allocate_lock`` is no reason to
# parse a file). The list runs over blanks, line continuations, brackets, commas, comments
# (each whole) and names (``as`` too) and nothing else: a synonym anywhere after the import let
# test_socket.py's "Cannot allocate memory" (a comment) through, the costliest file to parse.
_SITES = tuple(Attribute(old) for old in SYNONYMS)
_NAME_IN_LIST = rb"[^\s\\(),#;=.'\"]+(?=[\s\\(),#]|$)"
_IMPORT = (
    rb"thread[\s\\]*import(?!\w)(?:[\s\\(,]|#[^\r\n]*(?![^\r\n])|" + _NAME_IN_LIST + rb")*?"
    + WORD_START + rb"(?:start_new|allocate|exit_thread)(?!\w)"
)  # fmt: skip
# Every pattern holds a synonym: of the files holding ``thread`` (87 of 3.13's Lib without tests)
# only 9 hold one, and only those get the four pattern scans.
ANCHORS = tuple(old.encode() for old in SYNONYMS)
TRIGGER = Trigger(b"thread", (*_SITES, _IMPORT), frozenset(SYNONYMS), anchors=ANCHORS)
# They exist, without a warning, on every interpreter the ledger probes (2.7, 3.6-3.13).
FACTS = [Fact(f"_thread.{old}", "exists_from", "2.7") for old in SYNONYMS]
MODULES = frozenset({"thread", "_thread"})
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up)
if TYPE_CHECKING:
    from tokenize_rt import Token


def find(ctx: Context) -> Iterator[Finding]:
    for old, new in SYNONYMS.items():
        for site in ctx.sites(old):
            if not is_module(ctx, site.node.value, site.scope, MODULES):
                continue
            line, col = ctx.attr_name(site.node)
            yield Finding(
                CODE,
                line,
                col,
                f"{old} -> {new} (an obsolete, undocumented synonym)",
                fixes=[Fix(line, col, _rename(new))],
            )
    for statement, _ in imports_of(ctx, MODULES):
        names = [a.name for a in statement.names] if isinstance(statement, ast.ImportFrom) else []
        old = [name for name in names if name in SYNONYMS]
        if old:
            line, col = ctx.start(statement)
            renames = ", ".join(f"{name} -> {SYNONYMS[name]}" for name in old)
            message = f"import {renames} (obsolete, undocumented synonyms; the uses keep their name)"
            yield Finding(CODE, line, col, message, fixes=[Fix(line, col, _rename_imported)])


def _rename_imported(tokens: list[Token], i: int) -> None:
    """``from thread import start_new, allocate as a`` -> ``... start_new_thread as start_new,
    allocate_lock as a``: the imported names after ``import``, never the local ones."""
    j = i
    while tokens[j].name != "NAME" or tokens[j].src != "import":
        j += 1
    renamed = False
    while tokens[j].name not in ("NEWLINE", "ENDMARKER"):
        token = tokens[j]
        if token.name == "NAME" and token.src in SYNONYMS and tokens[tk.previous_code(tokens, j)].src != "as":
            new = SYNONYMS[token.src]
            tk.replace(tokens, j, new if tokens[tk.next_code(tokens, j)].src == "as" else f"{new} as {token.src}")
            renamed = True
        j += 1
    if not renamed:
        raise tk.SkipFix("no synonym on the import line")
