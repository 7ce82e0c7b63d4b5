"""The full Python 2 -> 3 pipeline for one text: lib2to3's fixers (fissix), threadport's
rules, then pyupgrade --py39-plus.

2to3 alone leaves ``t.isAlive()`` (runs on 3.8, AttributeError on 3.9+) and every other
threading alias; pyupgrade does not know them either. The middle step is threadport's.
"""

from __future__ import annotations

import importlib.util
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


# pyupgrade's public interface is its command line (it documents no Python API): one
# process over many files, never its private functions, so a release cannot break migrate
# silently. It rewrites files in place and prints "Rewriting NAME" for each it changed.
PYUPGRADE = [sys.executable, "-m", "pyupgrade", "--py39-plus"]
ROUNDS = 3  # %-format -> .format() -> f-string takes pyupgrade two runs; a third must change nothing


def pyupgrade_py39_many(texts: list[str]) -> list[str]:
    """``pyupgrade --py39-plus`` over all ``texts`` at once, run again while it still changes one."""
    if importlib.util.find_spec("pyupgrade") is None:
        raise MigrateError("pyupgrade is not installed (pip install pyupgrade)")
    with tempfile.TemporaryDirectory(prefix="threadport-migrate-") as folder:
        paths = [Path(folder) / f"m{i}.py" for i in range(len(texts))]
        for path, text in zip(paths, texts):
            path.write_bytes(text.encode("utf-8"))
        pending = list(range(len(texts)))
        for _ in range(ROUNDS):
            if not pending:
                break
            before = [paths[i].read_bytes() for i in pending]
            done = subprocess.run([*PYUPGRADE, *(str(paths[i]) for i in pending)], capture_output=True, text=True)
            changed = [i for i, old in zip(pending, before) if paths[i].read_bytes() != old]
            if done.returncode not in (0, 1) or (done.returncode == 1 and not changed):
                complaint = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
                raise MigrateError(f"pyupgrade --py39-plus failed: {complaint}")
            pending = changed
        return [path.read_bytes().decode("utf-8") for path in paths]


def pyupgrade_py39(text: str) -> str:
    return pyupgrade_py39_many([text])[0]


def before_pyupgrade(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    """The first two steps: 2to3's fixers, then threadport's rules."""
    text = two_to_three(text, name)
    try:
        text, _, _ = fix_text(text, rules(), aggressive)
    except Exception as error:  # noqa: BLE001 - name the step that failed
        raise MigrateError(f"threadport fix after 2to3: {error}") from None
    return text


def migrate_texts(items: list[tuple[str, str]], *, aggressive: bool = False) -> list[str | MigrateError]:
    """Each ``(text, name)`` migrated, with one pyupgrade process for all; a failure stays with its item."""
    results: list[str | MigrateError] = []
    for text, name in items:
        try:
            results.append(before_pyupgrade(text, name, aggressive=aggressive))
        except MigrateError as error:
            results.append(error)
    ready = [i for i, result in enumerate(results) if isinstance(result, str)]
    for i, upgraded in zip(ready, pyupgrade_py39_many([results[i] for i in ready]) if ready else []):
        results[i] = upgraded
    return results


def migrate_text(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    (result,) = migrate_texts([(text, name)], aggressive=aggressive)
    if isinstance(result, MigrateError):
        raise result
    return result
