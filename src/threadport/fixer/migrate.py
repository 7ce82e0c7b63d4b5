"""The full Python 2 -> 3 pipeline for one text: lib2to3's fixers (fissix), threadport's
rules, then pyupgrade --py39-plus; the result must compile on this Python 3.

2to3 alone leaves ``t.isAlive()`` (runs on 3.8, AttributeError on 3.9+) and every other
threading alias; pyupgrade does not know them either. The middle step is threadport's.

A file that is already Python 3 skips 2to3 (whose fixers break Python 3 code: a compat
module's ``basestring = (bytes, str)`` becomes ``str = (bytes, str)``). Python 2
indentation that mixes tabs and spaces is expanded as 2.7 reads it (8-column tab stops)
before the Python 3 stages, which refuse it. Output that does not compile is an error
naming its line, never "Migrated".
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from threadport.errors import ThreadportError
from threadport.fixer import rules
from threadport.fixer.engine import fix_text
from threadport.fixer.parsing import _python2_parses
from threadport.fixer.py2shim import Shim, expand_tabs


class MigrateError(ThreadportError):
    """A step of the pipeline refused the text; the message names the step."""


_PYTHON3_ONLY = (
    ast.JoinedStr,
    ast.AnnAssign,
    ast.Nonlocal,
    ast.YieldFrom,
    ast.AsyncFunctionDef,
    ast.Await,
    ast.AsyncFor,
    ast.AsyncWith,
    ast.NamedExpr,
    ast.MatMult,
)


def _python3_only(tree: ast.AST, print_function: bool = False) -> bool:
    """Syntax Python 2 never had: f-strings, annotations, keyword-only arguments, nonlocal,
    ``yield from``, async, ``:=``, ``@``, ``raise ... from``, ``print(..., end=...)``."""
    for node in ast.walk(tree):
        if isinstance(node, _PYTHON3_ONLY):
            return True
        if isinstance(node, ast.arguments) and (node.kwonlyargs or any(a.annotation for a in node.args)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            return True
        if isinstance(node, ast.Raise) and node.cause is not None:
            return True
        if (
            not print_function
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and any(k.arg in ("end", "sep", "file", "flush") for k in node.keywords)
        ):
            return True
    return False


def is_python3(text: str) -> bool:
    """Python 3 source: Python 3 parses it, and Python 2's grammar (print statement) does not
    or it uses syntax only Python 3 has. 2to3 must not run over it."""
    try:
        tree = compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    if "print_function" in text and "__future__" in text:  # print(..., end=...) is Python 2 then
        return _python3_only(tree, print_function=True)
    return _python3_only(tree) or _python2_parses(text) is not None


def normalise_tabs(text: str) -> str:
    """Leading tabs expanded to 8-column stops, as Python 2 reads them, when Python 3 would
    refuse the mix (TabError); everything else, strings included, is left as it is."""
    try:
        compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except TabError:
        return expand_tabs(Shim(text)).text
    except (SyntaxError, ValueError):
        pass
    return text


def compile_error(text: str, name: str) -> str | None:
    """None when ``text`` compiles on this Python 3, else ``line N: message``."""
    try:
        compile(text, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except ValueError as error:  # NUL bytes and the like
        return str(error)
    return None


def _version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


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
            runs = _pyupgrade_runs([str(paths[i]) for i in pending])
            changed = [i for i, old in zip(pending, before) if paths[i].read_bytes() != old]
            for returncode, stderr in runs:
                if returncode not in (0, 1) or (returncode == 1 and not changed):
                    complaint = (stderr.strip().splitlines() or [f"exit status {returncode}"])[-1]
                    raise MigrateError(f"pyupgrade --py39-plus failed: {complaint}")
            pending = changed
        return [path.read_bytes().decode("utf-8") for path in paths]


# pyupgrade runs one process per core when there are enough files to share: each start
# costs about as much as a few dozen small files.
PYUPGRADE_FILES_PER_PROCESS = 32


def _pyupgrade_runs(names: list[str]) -> list[tuple[int, str]]:
    """pyupgrade over ``names``, split into one chunk per core; (exit status, stderr) of each."""
    chunks = max(1, min(os.cpu_count() or 1, len(names) // PYUPGRADE_FILES_PER_PROCESS))
    # stderr to files, not pipes: pyupgrade says "Rewriting NAME" there for each file, and a
    # full pipe would stall one process while another is waited for
    outputs = [tempfile.TemporaryFile() for _ in range(chunks)]
    try:
        started = [
            subprocess.Popen([*PYUPGRADE, *names[i::chunks]], stdout=subprocess.DEVNULL, stderr=outputs[i])
            for i in range(chunks)
        ]
        codes = [process.wait() for process in started]
        for output in outputs:
            output.seek(0)
        return [(code, output.read().decode("utf-8", "replace")) for code, output in zip(codes, outputs)]
    finally:
        for output in outputs:
            output.close()


def pyupgrade_py39(text: str) -> str:
    return pyupgrade_py39_many([text])[0]


def before_pyupgrade(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    """The first two steps: 2to3's fixers (not for a file that is already Python 3), then
    threadport's rules; what they give must compile here, or the error says which did it."""
    python3 = is_python3(text)
    if not python3:
        text = normalise_tabs(two_to_three(text, name))
    try:
        text, _, _ = fix_text(text, rules(), aggressive)
    except Exception as error:  # noqa: BLE001 - name the step that failed
        raise MigrateError(f"threadport fix{'' if python3 else ' after 2to3'}: {error}") from None
    problem = compile_error(text, name)
    if problem is not None:
        stages = "threadport fix" if python3 else "2to3 and threadport fix"
        raise MigrateError(f"does not compile on Python {_version()} after {stages}: {problem}")
    return text


# 2to3 and threadport's rules parse every file: worker processes pay off from a few files.
MIGRATE_POOL_MINIMUM = 8


def migrate_texts(items: list[tuple[str, str]], *, aggressive: bool = False) -> list[str | MigrateError]:
    """Each ``(text, name)`` migrated, a failure kept with its item: the per-file stages on
    every core (in order), then pyupgrade over all the files (one process per core)."""
    from threadport.fixer.files import in_order

    results = in_order(functools.partial(_before_one, aggressive=aggressive), items, MIGRATE_POOL_MINIMUM)
    ready = [i for i, result in enumerate(results) if isinstance(result, str)]
    upgraded = pyupgrade_py39_many([results[i] for i in ready]) if ready else []
    checked = [(text, items[i][1]) for i, text in zip(ready, upgraded)]
    for i, text, problem in zip(ready, upgraded, in_order(_compile_error, checked, MIGRATE_POOL_MINIMUM)):
        if problem is not None:
            text = MigrateError(f"does not compile on Python {_version()} after pyupgrade: {problem}")
        results[i] = text
    return results


def _before_one(item: tuple[str, str], aggressive: bool) -> str | MigrateError:
    try:
        return before_pyupgrade(item[0], item[1], aggressive=aggressive)
    except MigrateError as error:
        return error


def _compile_error(item: tuple[str, str]) -> str | None:
    return compile_error(*item)


def migrate_text(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    (result,) = migrate_texts([(text, name)], aggressive=aggressive)
    if isinstance(result, MigrateError):
        raise result
    return result
