"""The migrate pipeline as one would write it by hand, without any of migrate's speed-ups:
every default fissix fixer on its own parse, the Python 3 test with its own parses, the tab
check and threadport's fix on every file, and pyupgrade's command line (`pyupgrade --py39-plus
FILES`: its entry point, in this process) over all the files, again over those it changed
until it changes none (its fixed point).

`threadport migrate` must give exactly what this gives (tests/fixer/test_migrate_speedups.py);
`python tests/fixer/plain_migrate.py FOLDER` compares the two over every file of a folder.
"""

from __future__ import annotations

import ast
import os
import sys
import tempfile
from pathlib import Path

from pyupgrade_fixed_point import pyupgrade_over_files

from threadport.fixer import rules
from threadport.fixer.engine import fix_text
from threadport.fixer.migrate import _python3_only, compile_error
from threadport.fixer.parsing import _python2_parses
from threadport.fixer.py2shim import Shim, expand_tabs

MOST_RUNS = 32  # a pyupgrade that never settles: an error, as in migrate
BATCH = 50


def plain_is_python3(text: str) -> bool:
    try:
        tree = compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    if "print_function" in text and "__future__" in text:
        return _python3_only(tree, print_function=True)
    return _python3_only(tree) or _python2_parses(text) is not None


def plain_tool():
    """fissix with its default fixers: the timeline's tool (threadport.timeline._tool), which is
    built the same way, ``RefactoringTool(get_fixers_from_package("fissix.fixes"))``, once per
    process. Its own copy cost every env of the matrix ~0.2 s more of pattern compiling."""
    from threadport.timeline import _tool

    return _tool()


def plain_two_to_three(text: str, name: str) -> str:
    from threadport.timeline import _tool_lock

    ended = text if text.endswith("\n") or not text else text + "\n"
    with _tool_lock:  # refactor_string switches the shared tool's grammar while it parses
        result = str(plain_tool().refactor_string(ended, name))
    return result if text.endswith("\n") or not text else result[:-1]


def plain_normalise_tabs(text: str) -> str:
    try:
        compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except TabError:
        return expand_tabs(Shim(text)).text
    except (SyntaxError, ValueError):
        pass
    return text


def plain_before_pyupgrade(text: str, name: str, aggressive: bool = False) -> str | None:
    """2to3 and threadport's fix; None where a stage refuses the text (migrate names it)."""
    try:
        python3 = plain_is_python3(text)
        if not python3:
            text = plain_normalise_tabs(plain_two_to_three(text, name))
        text = fix_text(text, rules(), aggressive)[0]
    except Exception:  # noqa: BLE001 - a refusal: the comparison checks migrate refuses it too
        return None
    return None if compile_error(text, name) else text


def plain_pyupgrade(texts: list[str]) -> list[str]:
    """The pyupgrade command over all the texts, again over the changed ones until none changes."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"m{i}.py" for i in range(len(texts))]
        for path, text in zip(paths, texts):
            path.write_bytes(text.encode("utf-8"))
        pending = list(range(len(texts)))
        for _ in range(MOST_RUNS):
            if not pending:
                break
            before = [paths[i].read_bytes() for i in pending]
            pyupgrade_over_files(["--py39-plus", *(str(paths[i]) for i in pending)])  # raises unless 0 or 1
            pending = [i for i, old in zip(pending, before) if paths[i].read_bytes() != old]
        assert not pending, f"pyupgrade still changed {len(pending)} texts after {MOST_RUNS} runs"
        return [path.read_bytes().decode("utf-8") for path in paths]


def plain_migrate(items: list[tuple[str, str]], aggressive: bool = False, workers: int = 1) -> list[str | None]:
    """Each ``(text, name)`` through the plain pipeline: the Python 3 text, or None (refused)."""
    return plain_migrate_batches([(items, aggressive)], workers)[0]


def plain_migrate_batches(
    batches: list[tuple[list[tuple[str, str]], bool]], workers: int = 1
) -> list[list[str | None]]:
    """plain_migrate over each ``(items, aggressive)``, with one pyupgrade command per run over
    the files of every batch (the command treats each file on its own): a test needs the plain
    pipeline over two sets of files."""
    items = [item for batch, _ in batches for item in batch]
    flags = [aggressive for batch, aggressive in batches for _ in batch]
    if workers > 1:  # for a whole library: the per-file stages in forked workers, in order
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            before = pool.starmap(plain_before_pyupgrade, [(t, n, a) for (t, n), a in zip(items, flags)], chunksize=1)
    else:
        before = [plain_before_pyupgrade(text, name, aggressive) for (text, name), aggressive in zip(items, flags)]
    ready = [i for i, text in enumerate(before) if text is not None]
    results: list[str | None] = [None] * len(items)
    for i, text in zip(ready, plain_pyupgrade([before[i] for i in ready])):  # type: ignore[misc]
        results[i] = None if compile_error(text, items[i][1]) else text
    split, start = [], 0
    for batch, _ in batches:
        split.append(results[start : start + len(batch)])
        start += len(batch)
    return split


def compare_folder(folder: Path) -> int:
    """migrate_texts against plain_migrate over every .py file under ``folder``."""
    from threadport.fixer.migrate import MigrateError, migrate_texts
    from threadport.fixer.source import SourceError, read_source

    items = []
    for path in sorted(folder.rglob("*.py")):
        try:
            items.append((read_source(path).text, str(path)))
        except SourceError:
            continue
    identical = both_refused = done = 0
    for start in range(0, len(items), BATCH):  # a running count: a long run tells as it goes
        batch = items[start : start + BATCH]
        fast = migrate_texts(batch)
        plain = plain_migrate(batch, workers=os.cpu_count() or 1)
        for (_, name), new, old in zip(batch, fast, plain):
            if isinstance(new, MigrateError) and old is None:
                both_refused += 1
            elif new == old:
                identical += 1
            else:
                print(f"DIFFERENT: {name}", flush=True)
        done += len(batch)
        print(f"{done}/{len(items)} files: {identical} identical, {both_refused} refused by both", flush=True)
    different = len(items) - identical - both_refused
    print(f"{len(items)} files: {identical} identical, {both_refused} refused by both, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(compare_folder(Path(sys.argv[1])))
