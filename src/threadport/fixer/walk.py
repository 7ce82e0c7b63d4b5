"""Which files a command reads: the files named, and the .py files under the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

# Folders that hold other people's code or generated files, never the project's own.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "build", "__pycache__"})


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in SKIPPED_DIRS:
                yield from _walk(Path(entry.path))
        elif entry.name.endswith(".py") and entry.is_file():
            yield Path(entry.path)


def iter_files(paths: Iterable[str]) -> Iterator[tuple[Path, bool]]:
    """Yield ``(path, explicit)``: explicit files are always read, whatever their name.

    A path that does not exist is yielded as explicit, so reading it reports why.
    """
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for found in _walk(path):
                yield found, False
        else:
            yield path, True
