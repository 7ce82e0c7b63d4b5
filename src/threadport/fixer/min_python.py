"""The oldest Python a project supports, from its own metadata: ``--min-python``'s default.

Read from the nearest ``pyproject.toml`` (``requires-python``, else classifiers),
``setup.cfg`` (``python_requires``, else classifiers) or ``setup.py`` (the same two,
found by pattern: it is code, never run), looking upwards from the first path given.
Without any, 2.6: the first Python with the PEP 8 threading names and properties.
"""

from __future__ import annotations

import os
import re

from threadport.lazyre import lazy_compile
from threadport.pathnames import parents

DEFAULT = (2, 6)
_LOWER_BOUND = lazy_compile(r"(?:>=|~=|==|>)\s*(\d+)\.(\d+)")
_CLASSIFIER = lazy_compile(r"Programming Language :: Python :: (\d+)\.(\d+)")
_PYTHON_REQUIRES = lazy_compile(r"""python_requires\s*=\s*(?:['"]([^'"]+)['"]|([^\n#]+))""")
_REQUIRES_PYTHON = lazy_compile(r"""^requires-python\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
METADATA_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def parse_version(text: str) -> tuple[int, int]:
    """``"2.7"`` -> (2, 7); ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
    if match is None:
        raise ValueError(f"--min-python: {text!r} is not a version like 2.6 or 3.9")
    return int(match.group(1)), int(match.group(2))


def from_specifier(specifier: str) -> tuple[int, int] | None:
    """The lowest version a ``requires-python`` specifier admits (its lowest lower bound)."""
    bounds = [(int(a), int(b)) for a, b in _LOWER_BOUND.findall(specifier)]
    return min(bounds) if bounds else None


def from_text(text: str) -> tuple[int, int] | None:
    """``requires-python`` / ``python_requires`` first, else the lowest classifier version."""
    for pattern in (_REQUIRES_PYTHON, _PYTHON_REQUIRES):
        match = pattern.search(text)
        if match:
            found = from_specifier(next(group for group in match.groups() if group))
            if found:
                return found
    versions = [(int(a), int(b)) for a, b in _CLASSIFIER.findall(text)]
    return min(versions) if versions else None


def project_min_python(paths: list[str]) -> tuple[tuple[int, int], str]:
    """(version, where it came from) for the project holding ``paths[0]``."""
    if paths:
        start = os.path.realpath(paths[0])  # str paths, as pathlib spells them: no pathlib import
        for folder in [start, *parents(start)] if os.path.isdir(start) else parents(start):
            for name in METADATA_FILES:
                candidate = os.path.join(folder, name)
                try:
                    with open(candidate, encoding="utf-8", errors="replace") as file:
                        text = file.read()
                except OSError:
                    continue
                found = from_text(text)
                if found:
                    return found, candidate
            if os.path.exists(os.path.join(folder, ".git")):
                break  # the project's root: do not read a parent project's metadata
    return DEFAULT, "default"
