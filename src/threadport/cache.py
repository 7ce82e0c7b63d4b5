"""A small on-disk cache of answers that are slow to get and cheap to invalidate.

Each entry is one JSON file under ``$THREADPORT_CACHE/threadport`` (else
``$XDG_CACHE_HOME/threadport``, else ``~/.cache/threadport``, as the ledger's),
holding the key it was computed for: a stale key is a miss, never a wrong answer.
The cache is a convenience only: an unreadable, unwritable or corrupt cache
behaves as an empty one, and nothing is ever raised.
``THREADPORT_NO_CACHE=1`` turns it off.

The folder is bounded: every install of threadport on a machine (tox envs, worktrees,
the mutations env's copies, a test's temporary one) keeps entries of its own, here and
in the fork servers' compiled clock and the runs' compiled sources (clock/child.py, driver.py,
in a folder of their own: SNIPPETS), and nothing else removed them:
8,649 files and 314 MB after a few days of test runs. Each write, which only a miss
makes, keeps the newest MAX_ENTRIES files (prune). An install whose entry went only
pays a miss.

Only ``os`` is imported, and ``json`` when an entry is read or written: the start-up of
`threadport list` uses it, and compare starts its first fork server before it reads one.
"""

from __future__ import annotations

import os

NO_CACHE_ENV = "THREADPORT_NO_CACHE"


def folder() -> str | None:
    if os.environ.get(NO_CACHE_ENV):
        return None
    base = (
        os.environ.get("THREADPORT_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or os.path.join(os.path.expanduser("~"), ".cache")
    )
    return os.path.join(base, "threadport")


def file_key(path: str) -> list | None:
    """What identifies one version of a file: its real path, inode, size and mtime in ns."""
    try:
        real = os.path.realpath(path)
        info = os.stat(real)
    except (OSError, ValueError):
        return None
    return [real, info.st_ino, info.st_size, info.st_mtime_ns]


def per_install(name: str, folder: str) -> str:
    """The entry ``name`` of the install (or checkout) in ``folder``: every copy of
    threadport on a machine (tox envs, worktrees) keeps its own entry instead of evicting
    the others' at each run. The tag is a cheap hash of the folder's real path (a
    collision only costs a miss: the key stored in the entry is still compared)."""
    tag = 0
    for character in os.path.realpath(folder):
        tag = (tag * 31 + ord(character)) % 2**32
    return f"{name}-{tag:08x}"


def load(name: str, key: object) -> object | None:
    """The value stored under ``name`` if it was stored for exactly ``key``, else None."""
    where = folder()
    if where is None:
        return None
    import json

    try:
        with open(os.path.join(where, f"{name}.json"), encoding="utf-8") as stored:
            entry = json.load(stored)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("value")


# Files kept in the cache folder. An install writes up to about 20 (its catalogue, titles and
# rule summaries; each interpreter version's compiled clock modules): room for the installs
# of a whole test run (the mutations env makes 58 copies) and what is left of earlier ones.
MAX_ENTRIES = 512
# The compiled code of the sources runs ran (clock/driver.py's _snippet_code), in a folder of
# its own: one entry per source and interpreter version, and a test session runs hundreds of
# scratch sources (about 460 entries in one run of the forkserver and runner tests), which
# among the rest evicted every install's clock modules and catalogue. A compare of the
# catalogue writes 90 (10 legacy sources on 2.7, 10 modern ones on each Python 3).
SNIPPETS = "snippets"  # clock/driver.py SNIPPET_FOLDER
MAX_SNIPPETS = 512


def prune(where: str, keep: int) -> None:
    """Best effort: only the newest ``keep`` files of ``where`` (by mtime: when they were
    written) stay; folders in it are left alone."""
    try:
        with os.scandir(where) as listing:
            files = [(entry.stat().st_mtime_ns, entry.name) for entry in listing if entry.is_file()]
    except OSError:
        return
    if len(files) <= keep:
        return
    files.sort()
    for _, name in files[: len(files) - keep]:
        try:
            os.unlink(os.path.join(where, name))
        except OSError:
            pass  # gone already (another process pruned it), or not ours to remove


def store(name: str, key: object, value: object) -> None:
    """Best effort: written whole to a temporary file, then renamed over the old entry."""
    where = folder()
    if where is None:
        return
    import json

    target = os.path.join(where, f"{name}.json")
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(where, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump({"key": key, "value": value}, out)
        os.replace(temporary, target)
    except (OSError, TypeError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    prune(where, MAX_ENTRIES)
    prune(os.path.join(where, SNIPPETS), MAX_SNIPPETS)  # the runs write there, and never prune
