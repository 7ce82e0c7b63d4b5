"""Which files a command reads: the files named, and the .py files under the folders named.

Nothing is skipped in silence. Every ``.py`` entry of a folder that is not a folder
itself is yielded: a FIFO, a socket, a symlink loop or a dangling link then gets its
one error line when it is read (see source.py). A folder that cannot be listed is
yielded too, so reading it says why. Symlinks to files are followed (they are read
and written through); symlinks to folders found while walking are not entered, as
ruff does (they usually point at a virtualenv or a dependency), but a folder named
on the command line is walked even when it is a symlink.
"""

from __future__ import annotations

import os

from threadport.pathnames import child, plain

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

# Folders that hold other people's code or generated files, never the project's own.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "build", "__pycache__"})


def _is_linked_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:  # a symlink loop: not a folder; reading it reports the loop
        return False


def _walk(folder: str) -> Iterator[tuple[str, bool]]:
    """In name order, entering each folder where it sorts; a stack of listings rather
    than recursion, so no depth of folders can exhaust Python's stack."""
    stack = [(folder, iter(_listing(folder)))]
    while stack:
        above, listing = stack[-1]
        entry = next(listing, None)
        if entry is None:
            stack.pop()
        elif isinstance(entry, str):
            yield entry, True  # a folder that cannot be listed: reading it says why
        elif entry.is_dir(follow_symlinks=False):
            if entry.name not in SKIPPED_DIRS:
                inner = child(above, entry.name)
                stack.append((inner, iter(_listing(inner))))
        elif entry.name.endswith(".py") and not _is_linked_folder(entry):
            yield child(above, entry.name), False


def _listing(folder: str) -> list[os.DirEntry] | list[str]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return [folder]


def iter_files(paths: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Yield ``(path, explicit)``: explicit files are always read, whatever their name.

    A path that does not exist is yielded as explicit, so reading it reports why. Each
    path is spelt as ``str(pathlib.Path(...))`` spells it (threadport.pathnames), as str.
    """
    for name in paths:
        path = plain(name)
        if os.path.isdir(path):
            yield from _walk(path)
        else:
            yield path, True
