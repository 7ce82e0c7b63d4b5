"""threadport's checker/fixer for deprecated threading idioms: one rule per module.

Each rule module has CODE, SUMMARY and ``find(ctx)`` yielding engine.Finding objects;
a finding carries token edits when it is safe to rewrite (see receivers.py for what
"safe" means). RULES is the registry, in code order; TRIGGERS maps each code to the
byte strings a file must contain for the rule to have anything to say, so most
files are never parsed.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = {
    "TP001": "tp001_is_alive",
    "TP002": "tp002_current_thread",
    "TP003": "tp003_active_count",
    "TP004": "tp004_notify_all",
    "TP005": "tp005_is_set",
    "TP006": "tp006_get_name",
    "TP007": "tp007_set_name",
    "TP008": "tp008_is_daemon",
    "TP009": "tp009_set_daemon",
    "TP010": "tp010_lock_with",
}
CODES = tuple(_MODULES)

# Each pattern starts with a literal, so re scans for it at memchr speed (a leading \b or a
# top-level alternation would make it try every position).
_WORD = r"{}(?!\w)"
# acquire() directly before ``try:`` (blank and comment lines between), or first in it.
_ACQUIRE_BEFORE_TRY = rb"acquire\s*\(\s*\)[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*try[ \t]*:"
_ACQUIRE_IN_TRY = rb"try[ \t]*:[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*[\w.]+\.acquire\s*\(\s*\)"
# code -> (a literal every candidate file contains, regexes of which a candidate matches one)
TRIGGERS = {
    "TP001": (b"isAlive", (_WORD.format("isAlive").encode(),)),
    "TP002": (b"currentThread", (_WORD.format("currentThread").encode(),)),
    "TP003": (b"activeCount", (_WORD.format("activeCount").encode(),)),
    "TP004": (b"notifyAll", (_WORD.format("notifyAll").encode(),)),
    "TP005": (b"isSet", (_WORD.format("isSet").encode(),)),
    "TP006": (b"getName", (_WORD.format("getName").encode(),)),
    "TP007": (b"setName", (_WORD.format("setName").encode(),)),
    "TP008": (b"isDaemon", (_WORD.format("isDaemon").encode(),)),
    "TP009": (b"setDaemon", (_WORD.format("setDaemon").encode(),)),
    "TP010": (b"acquire", (_ACQUIRE_BEFORE_TRY, _ACQUIRE_IN_TRY)),
}


def rule(code: str) -> ModuleType:
    return importlib.import_module(f"threadport.fixer.{_MODULES[code]}")


def rules(codes: tuple[str, ...] = CODES) -> list[ModuleType]:
    return [rule(code) for code in codes]
