"""threadport's checker/fixer for deprecated threading idioms: one rule per module.

Each rule module ``tpNNN_*.py`` has CODE, SUMMARY, TRIGGER (trigger.Trigger: the bytes a
file must contain for the rule to have anything to say, and the attribute/name sites
it reads) and ``find(ctx)`` yielding engine.Finding objects; a finding carries token
edits when it is safe to rewrite (see receivers.py for what "safe" means). The rules
are found by their file names, so adding a rule is one module (and its table test).
"""

from __future__ import annotations

import importlib
import os
import re
from types import ModuleType

# The folder's file names, not pkgutil.iter_modules: pkgutil imports typing (via
# functools.singledispatch), a measurable part of `threadport check`'s start-up.
_RULE_MODULE = re.compile(r"(tp(\d{3})_\w+)\.py$")
_MODULES = dict(
    sorted(
        (f"TP{match.group(2)}", match.group(1))
        for name in os.listdir(__path__[0])
        if (match := _RULE_MODULE.match(name))
    )
)
CODES = tuple(_MODULES)


def rule(code: str) -> ModuleType:
    module = importlib.import_module(f"threadport.fixer.{_MODULES[code]}")
    if module.CODE != code:  # pragma: no cover - a misnamed rule module is our bug
        raise ImportError(f"{_MODULES[code]} declares {module.CODE}, not {code}")
    return module


def rule_file(code: str) -> str:
    """The rule's module file, found without importing it."""
    return os.path.join(__path__[0], f"{_MODULES[code]}.py")


def rules(codes: tuple[str, ...] = CODES) -> list[ModuleType]:
    return [rule(code) for code in codes]
