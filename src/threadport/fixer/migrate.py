"""The full Python 2 -> 3 pipeline for one text: lib2to3's fixers (fissix), threadport's
rules, then pyupgrade --py39-plus.

2to3 alone leaves ``t.isAlive()`` (runs on 3.8, AttributeError on 3.9+) and every other
threading alias; pyupgrade does not know them either. The middle step is threadport's.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from threadport.errors import ThreadportError
from threadport.fixer import rules
from threadport.fixer.engine import fix_text


class MigrateError(ThreadportError):
    """A step of the pipeline refused the text; the message names the step."""


@lru_cache(maxsize=1)
def _refactoring_tool():
    from fissix.refactor import RefactoringTool, get_fixers_from_package

    return RefactoringTool(get_fixers_from_package("fissix.fixes"))


def two_to_three(text: str, name: str) -> str:
    from fissix.pgen2.parse import ParseError

    tool = _refactoring_tool()
    ended = text if text.endswith("\n") or not text else text + "\n"
    try:
        tree = tool.refactor_string(ended, name)
    except (ParseError, SyntaxError, IndentationError) as error:
        raise MigrateError(f"2to3 (fissix) cannot parse it: {error}") from None
    result = str(tree)
    return result if text.endswith("\n") or not text else result[:-1]


def pyupgrade_py39(text: str) -> str:
    try:  # the library route: no process per file (pyupgrade has no public API)
        from pyupgrade._data import Settings
        from pyupgrade._main import _fix_plugins, _fix_tokens

        settings = Settings(min_version=(3, 9))
        for _ in range(3):  # like running pyupgrade again: %-format -> .format() -> f-string
            upgraded = _fix_tokens(_fix_plugins(text, settings=settings))
            if upgraded == text:
                break
            text = upgraded
        return text
    except ImportError:  # pragma: no cover - a future pyupgrade that moved its internals
        return _pyupgrade_subprocess(text)


def _pyupgrade_subprocess(text: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "migrated.py"
        path.write_text(text, encoding="utf-8", newline="")
        subprocess.run([sys.executable, "-m", "pyupgrade", "--py39-plus", str(path)], capture_output=True)
        return path.read_text(encoding="utf-8", newline="")


def migrate_text(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    text = two_to_three(text, name)
    try:
        text, _, _ = fix_text(text, rules(), aggressive)
    except Exception as error:  # noqa: BLE001 - name the step that failed
        raise MigrateError(f"threadport fix after 2to3: {error}") from None
    try:
        return pyupgrade_py39(text)
    except SyntaxError as error:
        raise MigrateError(f"pyupgrade: {error}") from None
