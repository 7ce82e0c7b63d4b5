"""Path names as pathlib spells them, without importing pathlib on the way of `check FILE`.

pathlib (with urllib.parse and ipaddress, which it imports for ``as_uri``) was about a
tenth of the instructions of checking one small file. The walk, the config search and
the project's metadata work on ``str`` names instead, spelt as ``str(Path(name))``
would spell them: the findings, errors and messages name a file exactly as before.
"""

from __future__ import annotations

import os


def plain(name: str) -> str:
    """``str(pathlib.Path(name))``: no empty or ``.`` parts, no trailing slash, ``.`` for nothing.

    A leading ``//`` stays (POSIX leaves its meaning to the system), three or more
    slashes are one. ``..`` stays, as in pathlib (it is not resolved against a link).
    """
    if os.sep != "/" or os.altsep:  # pragma: no cover - Windows: drives, both slashes; pathlib says
        from pathlib import Path

        return str(Path(name))
    stripped = name.lstrip("/")
    root = "//" if len(name) - len(stripped) == 2 else "/" if stripped != name else ""
    return root + "/".join(part for part in stripped.split("/") if part and part != ".") or "."


def child(folder: str, name: str) -> str:
    """``str(Path(folder) / name)`` for a ``plain`` folder and a name without slashes."""
    return name if folder == "." else os.path.join(folder, name)


def parents(folder: str) -> list[str]:
    """``[str(p) for p in Path(folder).parents]`` for an absolute ``plain`` folder: up to the root."""
    found = []
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return found
        found.append(parent)
        folder = parent
