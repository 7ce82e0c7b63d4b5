"""lazy_compile: a regex compiled the first time it is used, not when its module is imported.

Compiling a pattern costs from half a millisecond to two (re's parser and compiler run in
Python). Most of the module-level patterns on `threadport check`'s path serve rare inputs
(a ``# noqa``, a coding cookie after a BOM, a lone CR, project metadata): compiled at
import, they were a good part of the start-up. ``lazy_compile(p, flags).search(...)`` reads
as ``re.compile(p, flags).search(...)``; the first attribute asked for compiles it.
"""

from __future__ import annotations

import re


class lazy_compile:  # noqa: N801 - named and used like re.compile
    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        """Called for what the instance lacks: search, match, sub... of the compiled pattern."""
        if name.startswith("_"):  # copy/pickle probes, and no pattern attribute starts with _
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        setattr(self, name, value)  # found directly from now on (a bound method of the pattern)
        return value
