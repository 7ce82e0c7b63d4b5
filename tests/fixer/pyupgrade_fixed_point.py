"""migrate's pyupgrade stage against pyupgrade's command run to its fixed point, over real code.

migrate runs pyupgrade again until a run changes nothing, a run after the first over only
the statements the run before it touched (fixer.pyupgrade_again). This compares that with
the command run again over every file it changed until none changes: the same text for
every file, or the stand-ins hid something a later run needed.

    python tests/fixer/pyupgrade_fixed_point.py FOLDER...

takes every .py file under the folders through migrate's stages before pyupgrade (2to3
unless already Python 3, threadport's fix); tests/fixer/test_migrate_pyupgrade.py runs the
same comparison over a slice of 2.7's Lib.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

from threadport.fixer import migrate

BATCH = 200


def before_pyupgrade(paths: list[Path]) -> list[tuple[str, str]]:
    """(name, text before pyupgrade) for each file migrate's first stages accept."""
    from threadport.fixer.source import SourceError, read_source

    texts = []
    for path in paths:
        try:
            texts.append((str(path), migrate.before_pyupgrade(read_source(path).text, str(path))))
        except (SourceError, migrate.MigrateError):
            continue
    return texts


def command_fixed_point(texts: list[str]) -> tuple[list[str], int]:
    """Each text after pyupgrade's command, run again over the files it changed until it
    changes none (at most migrate.MOST_RUNS runs); and the runs that took in all (one command
    over the files pending)."""
    results, runs = command_runs(texts)
    return results, sum(runs)


def pyupgrade_over_files(arguments: list[str]) -> int:
    """pyupgrade's command line over files, rewriting them in place: its console script's
    entry point (``pyupgrade = pyupgrade._main:main``, what `python -m pyupgrade` calls too),
    given the arguments, in this process; its exit status. Loaded from the entry point here,
    not through migrate, which the comparisons are about (and tests replace its
    _pyupgrade_command). Not `python -m pyupgrade` in a process of its own: that cost a
    start and pyupgrade's imports (94 ms of CPU on 3.11) per run, nine runs an env, for the
    same function on the same files; nothing of pyupgrade's is kept from one call to the
    next but what its imports made."""
    from importlib.metadata import entry_points

    scripts = entry_points()  # on 3.9 a dict of groups, with no select()
    group = scripts.select(group="console_scripts") if hasattr(scripts, "select") else scripts["console_scripts"]
    (script,) = (script for script in group if script.name == "pyupgrade")
    said = io.StringIO()  # "Rewriting FILE" lines, and whatever it says when it fails
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            status = script.load()(arguments)
    except SystemExit as exit:
        status = exit.code
    if status not in (0, 1):
        raise RuntimeError(f"pyupgrade exited {status}: {said.getvalue()[-2000:]}")
    return status


def command_runs(texts: list[str]) -> tuple[list[str], list[int]]:
    """command_fixed_point, with the runs each text took: callers with several sets of texts
    pass them all at once, one command a run over every file still changing (pyupgrade reads
    each file on its own), instead of a command per set per run."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"t{i}.py" for i in range(len(texts))]
        for path, text in zip(paths, texts):
            path.write_bytes(text.encode("utf-8"))
        pending, runs = list(range(len(texts))), [0] * len(texts)
        for _ in range(migrate.MOST_RUNS):
            if not pending:
                break
            before = [paths[i].read_bytes() for i in pending]
            pyupgrade_over_files([*migrate.PYUPGRADE_ARGUMENTS, *(str(paths[i]) for i in pending)])
            for i in pending:
                runs[i] += 1
            pending = [i for i, old in zip(pending, before) if paths[i].read_bytes() != old]
        if pending:
            raise RuntimeError(f"pyupgrade still changed {len(pending)} files after {migrate.MOST_RUNS} runs")
        return [path.read_bytes().decode("utf-8") for path in paths], runs


def counted_runs(texts: list[str]) -> tuple[list[str], int, int]:
    """migrate's pyupgrade stage over each text; the runs it made, and the texts a second
    run changed (the chains: there, stopping after one run would be wrong)."""
    real, changed = migrate._run_on_stdin, []

    def counting(command, data, printed, said):
        status = real(command, data, printed, said)
        changed.append(printed.getvalue().encode("utf-8") != data)
        return status

    results, runs, chained = [], 0, 0
    migrate._run_on_stdin = counting
    try:
        for text in texts:
            changed.clear()
            results.append(migrate.pyupgrade_py39(text))
            runs, chained = runs + len(changed), chained + any(changed[1:])
    finally:
        migrate._run_on_stdin = real
    return results, runs, chained


def compare(named: list[tuple[str, str]]) -> tuple[list[str], int, int, int]:
    """For ``(name, text)`` pairs: (names whose text migrate leaves otherwise than the command's
    fixed point, migrate's runs, the command's runs, texts a second run changed)."""
    texts = [text for _, text in named]
    ours, our_runs, chained = counted_runs(texts)
    theirs, their_runs = command_fixed_point(texts)
    different = [name for (name, _), a, b in zip(named, ours, theirs) if a != b]
    return different, our_runs, their_runs, chained


def main(folders: list[str]) -> int:
    paths = sorted(p for folder in folders for p in Path(folder).rglob("*.py"))
    different: list[str] = []
    ours = theirs = chained = done = 0
    for start in range(0, len(paths), BATCH):  # a running count: a long run tells as it goes
        named = before_pyupgrade(paths[start : start + BATCH])
        batch_different, batch_ours, batch_theirs, batch_chained = compare(named)
        different += batch_different
        ours, theirs, chained = ours + batch_ours, theirs + batch_theirs, chained + batch_chained
        done += len(named)
        for name in batch_different:
            print(f"DIFFERENT: {name}", flush=True)
        print(
            f"{done} files ({start + len(paths[start : start + BATCH])} read): {len(different)} different;"
            f" pyupgrade runs {ours} (to the fixed point: {theirs}); {chained} files changed by a second run",
            flush=True,
        )
    return 1 if different else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main(sys.argv[1:]))
