"""``[tool.threadport]`` in pyproject.toml: the settings of check and fix, as ruff reads ``[tool.ruff]``.

The nearest pyproject.toml with a ``[tool.threadport]`` table, from the current
folder upward, is the project's configuration (``--config FILE`` names one,
``--isolated`` ignores them all). Its relative ``exclude`` patterns are relative
to the folder it sits in. A flag given on the command line always wins over the
file; a key the file does not set takes the built-in default.

    [tool.threadport]
    select = ["TP001", "TP009"]      # codes or prefixes, as --select
    ignore = ["TP006"]               # as --ignore
    exclude = ["legacy", "tests/fixtures/*"]   # globs, as --exclude
    extend-exclude = ["generated_*.py"]        # added to exclude, as --extend-exclude
    aggressive = false               # as fix --aggressive
    fail-on = "certain"              # as check --fail-on
    min-python = "2.7"               # as --min-python
    respect-gitignore = true         # skip what .gitignore ignores when walking folders
"""

from __future__ import annotations

import os
import sys

from threadport.errors import UsageError
from threadport.pathnames import parents, plain
from threadport.records import Record

FAIL_ON = ("certain", "possible")


class ConfigError(UsageError):
    """A pyproject.toml that cannot be used as it is: one line naming the file and the key."""


class Pattern(Record, frozen=True):
    """An exclude glob and the folder its relative form is relative to."""

    __slots__ = ("glob", "base")

    def __init__(self, glob: str, base: str) -> None:
        self.glob = glob
        self.base = base


class Settings(Record):
    __slots__ = (
        "select",
        "ignore",
        "exclude",
        "extend_exclude",
        "aggressive",
        "fail_on",
        "respect_gitignore",
        "min_python",
        "source",
        "codes",
    )

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        exclude: list[Pattern] | None = None,
        extend_exclude: list[Pattern] | None = None,
        aggressive: bool = False,
        fail_on: str = "possible",
        respect_gitignore: bool = True,
        min_python: str | None = None,
        source: str | None = None,
        codes: tuple[str, ...] = (),
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.exclude = [] if exclude is None else exclude
        self.extend_exclude = [] if extend_exclude is None else extend_exclude
        self.aggressive = aggressive
        self.fail_on = fail_on
        self.respect_gitignore = respect_gitignore
        self.min_python = min_python  # None: from the project's requires-python (fixer.min_python)
        self.source = source  # the pyproject.toml read, if any
        self.codes = codes  # select/ignore resolved against the known codes (commands.check.settings)

    @property
    def excludes(self) -> list[Pattern]:
        return self.exclude + self.extend_exclude


# key in the file -> (attribute, the type it must have, what to say when it has another)
_KEYS = {
    "select": ("select", list, "a list of codes"),
    "ignore": ("ignore", list, "a list of codes"),
    "exclude": ("exclude", list, "a list of glob patterns"),
    "extend-exclude": ("extend_exclude", list, "a list of glob patterns"),
    "aggressive": ("aggressive", bool, "true or false"),
    "fail-on": ("fail_on", str, f"one of {', '.join(map(repr, FAIL_ON))}"),
    "respect-gitignore": ("respect_gitignore", bool, "true or false"),
    "min-python": ("min_python", str, 'a version like "2.7"'),
}


def find_config(start: str) -> str | None:
    """The nearest pyproject.toml with a [tool.threadport] table, from the absolute ``start`` upward."""
    for folder in [start, *parents(start)]:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate) and _table(candidate, required=False) is not None:
            return candidate
    return None


def _table(path: str, *, required: bool) -> dict | None:
    # imported here: most runs find no pyproject.toml, and tomllib is a noticeable share of start-up
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10
        import tomli as tomllib

    try:
        with open(path, encoding="utf-8") as file:
            document = tomllib.loads(file.read())
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    table = document.get("tool", {}).get("threadport")
    if table is None and required:
        raise ConfigError(f"{path}: has no [tool.threadport] table")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.threadport must be a table")
    return table


def load(path: str) -> Settings:
    """Settings from one pyproject.toml; unknown keys and wrong types are errors, not ignored."""
    table = _table(path, required=True)
    settings = Settings(source=path)
    base = os.path.dirname(os.path.realpath(path))
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{path}: [tool.threadport] unknown key {key!r} (known: {', '.join(_KEYS)})")
        attribute, kind, expected = _KEYS[key]
        valid = isinstance(value, kind) and (kind is not list or all(isinstance(item, str) for item in value))
        if kind is str and key == "fail-on":
            valid = value in FAIL_ON
        if not valid:
            raise ConfigError(f"{path}: [tool.threadport] {key} must be {expected}, not {value!r}")
        if key in ("exclude", "extend-exclude"):
            value = [Pattern(glob, base) for glob in value]
        setattr(settings, attribute, value)
    return settings


def resolve(args, cwd: str | None = None) -> Settings:
    """The file's settings, then every flag the user gave on top (a flag left unset is None).

    Paths are ``str``, spelt as pathlib spells them (threadport.pathnames: no pathlib import)."""
    cwd = cwd or os.getcwd()
    if getattr(args, "isolated", False):
        settings = Settings()
    elif getattr(args, "config", None):
        settings = load(plain(args.config))
    else:
        found = find_config(cwd)
        settings = load(found) if found else Settings()
    for attribute in ("select", "ignore", "aggressive", "fail_on", "respect_gitignore"):
        value = getattr(args, attribute, None)
        if value is not None:
            setattr(settings, attribute, value)
    if getattr(args, "exclude", None) is not None:
        settings.exclude = [Pattern(glob, cwd) for glob in args.exclude]
    if getattr(args, "extend_exclude", None):
        settings.extend_exclude = settings.extend_exclude + [Pattern(glob, cwd) for glob in args.extend_exclude]
    return settings
