"""Which files check and fix read: the walk (fixer.walk), less what the user excluded.

As in ruff: a file found by walking a folder is dropped when an ``exclude`` /
``extend-exclude`` glob matches it, or when git ignores it (inside a git work
tree, unless ``respect-gitignore = false``). A file named on the command line
is always read, unless ``--force-exclude`` says the excludes apply to it too
(pre-commit passes every staged file by name, so its hooks use that).
"""

from __future__ import annotations

import fnmatch
import os

from threadport.config import Pattern, Settings

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from collections.abc import Iterable


def excluded(path: str, patterns: Iterable[Pattern]) -> bool:
    """True when a glob matches the path, one of its folders, or its name.

    A pattern with a slash is matched against the path relative to the pattern's
    base folder (``tests/fixtures/*``); one without is matched against each part
    of it (``legacy`` skips every folder named legacy, ``*_pb2.py`` every such file).
    """
    from pathlib import Path, PurePosixPath  # here: only a run with exclude patterns needs it

    absolute = Path(os.path.abspath(path))
    for pattern in patterns:
        glob = pattern.glob.rstrip("/")
        if "/" not in glob:
            if any(fnmatch.fnmatchcase(part, glob) for part in absolute.parts):
                return True
            continue
        try:
            relative = PurePosixPath(absolute.relative_to(os.path.abspath(pattern.base)).as_posix())
        except ValueError:  # outside the pattern's folder: only an absolute pattern can match
            relative = PurePosixPath(absolute.as_posix())
        candidates = [relative, *list(relative.parents)[:-1]]  # the file and each folder above it
        if any(fnmatch.fnmatchcase(str(candidate), glob) for candidate in candidates):
            return True
    return False


def git_ignored(paths: list[str]) -> set[str]:
    """The paths that git ignores (.gitignore, .git/info/exclude, the global excludes file).

    One ``git check-ignore --stdin`` per work tree; outside a git work tree, or without
    git, nothing is ignored. Tracked files are never ignored, as in git itself.
    """
    if not paths:  # files named on the command line: git is not asked (nor shutil imported)
        return set()
    by_tree: dict[str, list[str]] = {}
    tops: dict[str, str | None] = {}
    by_folder: dict[str, str | None] = {}  # a folder's files share its answer
    for path in paths:
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        if folder not in by_folder:
            by_folder[folder] = _work_tree(folder, tops)
        top = by_folder[folder]
        if top is not None:
            by_tree.setdefault(top, []).append(absolute)
    if not by_tree:  # outside any work tree: git is never run, nor shutil and subprocess imported
        return set()  # (with signal, threading, bz2, lzma: 30-40 ms of CPU at load 15, a twentieth of a check)
    import shutil
    import subprocess

    git = shutil.which("git")
    if not git:
        return set()

    ignored: set[str] = set()
    for top, names in by_tree.items():
        done = subprocess.run(
            [git, "-C", top, "check-ignore", "-z", "--stdin"],
            input=b"".join(os.fsencode(name) + b"\0" for name in names),
            capture_output=True,
        )
        if done.returncode in (0, 1):  # 1: none ignored; 128: git could not tell, so keep them all
            ignored |= {os.fsdecode(name) for name in done.stdout.split(b"\0") if name}
    if not ignored:
        return set()
    return {path for path in paths if os.path.abspath(path) in ignored}


def _work_tree(folder: str, tops: dict[str, str | None]) -> str | None:
    """The folder holding ``.git`` at or above the absolute ``folder`` (cached: a walk meets
    each folder once)."""
    if folder not in tops:
        if os.path.exists(os.path.join(folder, ".git")):
            tops[folder] = folder
        else:
            parent = os.path.dirname(folder)
            tops[folder] = None if parent == folder else _work_tree(parent, tops)
    return tops[folder]


def select_inputs(
    found: Iterable[tuple[str, bool]], settings: Settings, *, force_exclude: bool = False
) -> list[tuple[str, bool]]:
    """The ``(path, explicit)`` pairs that the settings keep, in their order."""
    pairs = list(found)

    def filtered(path: str, explicit: bool) -> bool:
        return force_exclude or not explicit

    patterns = settings.excludes
    kept = [(p, e) for p, e in pairs if not (patterns and filtered(p, e) and excluded(p, patterns))]
    if settings.respect_gitignore:
        ignored = git_ignored([p for p, e in kept if filtered(p, e)])
        kept = [(p, e) for p, e in kept if p not in ignored]
    return kept
