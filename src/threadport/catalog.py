"""The pair catalogue: every pair, read from one data file (catalog.toml).

Tests, the CLI and the HTML tour read pairs only through this module, so adding
a pair is two source files plus one ``[[pair]]`` table.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache, lru_cache

from threadport.errors import ThreadportError
from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from pathlib import Path

# Paths in this module are str and os.path; pathlib (with urllib.parse and ipaddress, 16 M
# instructions) is imported only by what asks for a Path (Pair.legacy_path, showcase_root):
# the run service takes its files as str (Pair.source_file), and compare imports no pathlib.
CATALOG_FILE = os.path.join(os.path.dirname(__file__), "catalog.toml")


class CatalogError(ThreadportError):
    """The catalogue or a pair in it is unusable (the message says why)."""


# The catalogue's classes are Records (threadport.records), not dataclasses: every command
# that runs pairs imports this module, and dataclasses (with inspect, and each class's
# generated methods compiled at import) cost `threadport compare` about 20 ms of CPU.


class Ref(Record, frozen=True):
    """A reference as written in the catalogue ("PEP 3105", "bpo-37804"), its URL and title.

    PEP, bpo and gh references carry a short title after a colon
    ("PEP 3105: Make print a function"); tests check it against reference_titles.toml.
    """

    __slots__ = ("label", "url", "title")

    def __init__(self, label: str, url: str, title: str = "") -> None:
        self.label = label
        self.url = url
        self.title = title


class Note(Record, frozen=True):
    """One migration change: what changed, why, since which version, with references."""

    # facts: version facts as data (threadport.ledger.Fact), checked against the ledger by the tests.
    __slots__ = ("title", "legacy", "modern", "since", "why", "refs", "facts")

    def __init__(
        self, title: str, legacy: str, modern: str, since: str, why: str, refs: tuple[Ref, ...], facts: tuple = ()
    ) -> None:
        self.title = title
        self.legacy = legacy
        self.modern = modern
        self.since = since
        self.why = why
        self.refs = refs
        self.facts = facts


class Declared(Record, frozen=True):
    """A deliberate difference: the exact value of one transcript field on each side."""

    __slots__ = ("field", "legacy", "modern", "why")

    def __init__(self, field: str, legacy: object, modern: object, why: str) -> None:
        self.field = field  # a Transcript field: stdout, stderr, exit, exception
        self.legacy = legacy
        self.modern = modern
        self.why = why


class Race(Record, frozen=True):
    """A real tie in the code itself: in real time, line ``line`` (0-based) of ``field`` may
    show any one of ``outcomes`` (the virtual clock settles the tie by its own rule)."""

    __slots__ = ("field", "line", "outcomes", "why")

    def __init__(self, field: str, line: int, outcomes: tuple[str, ...], why: str) -> None:
        self.field = field  # stdout or stderr
        self.line = line
        self.outcomes = outcomes
        self.why = why


RACE_KEYS = frozenset({"field", "line", "outcomes", "why"})


class Entry(Record, frozen=True):
    """One entry point of a pair: legacy name -> modern name, called with ``args``."""

    __slots__ = ("legacy", "modern", "args", "declared", "timeout", "races", "thread")

    def __init__(
        self,
        legacy: str,
        modern: str,
        args: tuple = (),
        declared: tuple[Declared, ...] = (),
        timeout: float | None = None,
        races: tuple[Race, ...] = (),
        thread: bool = False,
    ) -> None:
        self.legacy = legacy
        self.modern = modern
        self.args = args
        self.declared = declared
        self.timeout = timeout
        self.races = races
        self.thread = thread  # run as threading.Thread(target=name, args=args), started and joined

    def target(self, name: str) -> str:
        """What the child driver calls: the name, or "Thread(target=name)" for a thread entry."""
        return f"Thread(target={name})" if self.thread else name

    @property
    def label(self) -> str:
        return self.legacy if self.legacy == self.modern else f"{self.legacy} -> {self.modern}"


class Claim(Record, frozen=True):
    """A statement quoted from the seed's comments and how a pair demonstrates it.

    ``quote`` is the seed's own text (compared with the seed's comments with
    comment markers and runs of whitespace folded); running ``entry`` must print
    the lines of ``expect`` in that order (other lines may come between) and none
    of the lines of ``absent``, on Python 2.7 and on Python 3 alike. ``names``
    (ledger names, e.g. "Thread.isAlive") are the API names the quote lists:
    `threadport claims` reports what each does on each interpreter (exists,
    warns, gone) from the ledger, and they must all exist on Python 2.7.
    """

    __slots__ = ("quote", "entry", "expect", "absent", "names")

    def __init__(
        self, quote: str, entry: str, expect: tuple[str, ...], absent: tuple[str, ...] = (), names: tuple[str, ...] = ()
    ) -> None:
        self.quote = quote
        self.entry = entry  # an entry point of the same pair, by its legacy or modern name
        self.expect = expect
        self.absent = absent
        self.names = names


CLAIM_KEYS = frozenset({"quote", "entry", "expect", "absent", "names"})


class Pair(Record, frozen=True):
    __slots__ = ("stem", "title", "origin", "summary", "entries", "notes", "claims", "learn")

    def __init__(
        self,
        stem: str,
        title: str,
        origin: str,
        summary: str,
        entries: tuple[Entry, ...],
        notes: tuple[Note, ...],
        claims: tuple[Claim, ...] = (),
        learn: str = "",
    ) -> None:
        self.stem = stem
        self.title = title
        self.origin = origin  # "seed": original, verbatim; "showcase": written for threadport
        self.summary = summary
        self.entries = entries
        self.notes = notes
        self.claims = claims
        self.learn = learn  # one line for the tour's course index: what a reader learns here

    @property
    def legacy_path(self) -> Path:
        from pathlib import Path

        return Path(self.source_file(legacy=True))

    @property
    def modern_path(self) -> Path:
        from pathlib import Path

        return Path(self.source_file(legacy=False))

    def source_file(self, *, legacy: bool) -> str:
        """The legacy or the modern file, as a str (legacy_path and modern_path as Paths)."""
        root = _showcase_root(os.environ.get("THREADPORT_HOME"))
        return os.path.join(root, "legacy" if legacy else "modern", f"{self.stem}.py")

    def entry(self, name: str) -> Entry:
        for entry in self.entries:
            if name in (entry.legacy, entry.modern):
                return entry
        # Both names, since either is accepted: "workerArgs (worker_args)".
        known = ", ".join(
            dict.fromkeys(e.legacy if e.legacy == e.modern else f"{e.legacy} / {e.modern}" for e in self.entries)
        )
        raise CatalogError(f"pair {self.stem!r} has no entry point {name!r} (known: {known})")


_REF_PATTERNS = [
    (re.compile(r"PEP (\d+)$"), "https://peps.python.org/pep-{0:0>4}/"),
    (re.compile(r"bpo-(\d+)$"), "https://bugs.python.org/issue{0}"),
    (re.compile(r"gh-(\d+)$"), "https://github.com/python/cpython/issues/{0}"),
    (re.compile(r"docs:(.+)$"), "https://docs.python.org/3/{0}"),
    (re.compile(r"docs2:(.+)$"), "https://docs.python.org/2.7/{0}"),
    (re.compile(r"(https?://\S+)$"), "{0}"),
]


_TITLED = re.compile(r"((?:PEP \d+)|(?:bpo-\d+)|(?:gh-\d+)): (.+)$")


def reference(label: str) -> Ref:
    """Resolve a catalogue reference ("PEP 3105: Make print a function") to its URL and title."""
    title = ""
    titled = _TITLED.match(label)
    if titled:
        label, title = titled.group(1), titled.group(2).strip()
    for pattern, template in _REF_PATTERNS:
        match = pattern.match(label)
        if match:
            return Ref(label, template.format(match.group(1)), title)
    raise CatalogError(
        f"unknown reference form {label!r} (use 'PEP N', 'bpo-N', 'gh-N', 'docs:PATH', 'docs2:PATH' or a URL)"
    )


def showcase_root() -> Path:
    """Where legacy/ and modern/ live: $THREADPORT_HOME, the wheel's copy, or the checkout."""
    from pathlib import Path

    return Path(_showcase_root(os.environ.get("THREADPORT_HOME")))


# Asked for each side of each run (Pair.source_file): the search resolved this file's path
# and looked at up to six folders each time, 0.33 ms a call, 12 ms of a compare.
@cache
def _showcase_root(home: str | None) -> str:
    candidates = []
    if home:
        candidates.append(home)
    here = os.path.dirname(__file__)
    candidates.append(os.path.join(here, "_showcase"))
    candidates.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
    for candidate in candidates:
        if os.path.isdir(os.path.join(candidate, "legacy")) and os.path.isdir(os.path.join(candidate, "modern")):
            return candidate
    raise CatalogError("cannot find the legacy/ and modern/ folders (set THREADPORT_HOME to a threadport checkout)")


ENTRY_KEYS = frozenset({"legacy", "modern", "args", "declared", "timeout", "race", "thread"})


def _entry(raw: dict, stem: str) -> Entry:
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        known = ", ".join(sorted(ENTRY_KEYS))
        raise CatalogError(
            f"pair {stem!r}: entry {raw.get('legacy', '?')!r}: unknown key(s) {', '.join(sorted(unknown))} "
            f"(known: {known})"
        )
    declared = tuple(Declared(d["field"], d["legacy"], d["modern"], d["why"]) for d in raw.get("declared", []))
    legacy = raw["legacy"]
    return Entry(
        legacy=legacy,
        modern=raw.get("modern", legacy),
        args=tuple(raw.get("args", ())),
        declared=declared,
        timeout=raw.get("timeout"),
        races=tuple(_race(r, f"pair {stem!r}: entry {legacy!r}: race") for r in raw.get("race", [])),
        thread=_flag(raw, "thread", f"pair {stem!r}: entry {legacy!r}"),
    )


def _flag(raw: dict, key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise CatalogError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _race(raw: dict, where: str) -> Race:
    unknown = set(raw) - RACE_KEYS
    if unknown or set(raw) != RACE_KEYS:
        raise CatalogError(f"{where}: needs exactly the keys {', '.join(sorted(RACE_KEYS))}")
    if raw["field"] not in ("stdout", "stderr"):
        raise CatalogError(f"{where}: field must be stdout or stderr, not {raw['field']!r}")
    if not isinstance(raw["line"], int) or isinstance(raw["line"], bool) or raw["line"] < 0:
        raise CatalogError(f"{where}: line must be a 0-based line number")
    outcomes = raw["outcomes"]
    if not (isinstance(outcomes, list) and len(set(outcomes)) >= 2 and all(isinstance(o, str) for o in outcomes)):
        raise CatalogError(f"{where}: outcomes must list at least two different lines")
    return Race(raw["field"], raw["line"], tuple(outcomes), raw["why"])


FACT_KEYS = ("exists_from", "warns_from", "removed_in", "defined_as")


def _fact(raw: dict, title: str):
    """``{name = "Thread.isAlive", removed_in = "3.9"}`` -> ledger.Fact (one kind key per fact)."""
    from threadport.facts import Fact  # ledger.Fact itself; the ledger would import far more (compare: 3-9 ms)

    where = f"note {title!r}: fact {raw!r}"
    kinds = [key for key in FACT_KEYS if key in raw]
    unknown = set(raw) - set(FACT_KEYS) - {"name", "category", "value"}
    if len(kinds) != 1 or unknown or not isinstance(raw.get("name"), str):
        raise CatalogError(f"{where}: give a name and exactly one of {', '.join(FACT_KEYS)}")
    kind = kinds[0]
    if kind == "defined_as":
        return Fact(raw["name"], kind, raw["defined_as"], value=raw.get("value", ""))
    return Fact(raw["name"], kind, raw[kind], category=raw.get("category", ""))


def _note(raw: dict) -> Note:
    return Note(
        title=raw["title"],
        legacy=raw.get("legacy", ""),
        modern=raw.get("modern", ""),
        since=raw["since"],
        why=raw["why"],
        refs=tuple(reference(r) for r in raw.get("refs", ())),
        facts=tuple(_fact(f, raw["title"]) for f in raw.get("facts", ())),
    )


def _claim(raw: dict, stem: str, entries: tuple[Entry, ...]) -> Claim:
    where = f"pair {stem!r}: claim {raw.get('quote', '?')!r}"
    unknown = set(raw) - CLAIM_KEYS
    if unknown:
        known = ", ".join(sorted(CLAIM_KEYS))
        raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {known})")
    quote, entry, expect = raw["quote"], raw["entry"], raw["expect"]
    if not isinstance(quote, str) or not quote.strip():
        raise CatalogError(f"{where}: quote must be the seed's text, a non-empty string")
    if not any(entry in (e.legacy, e.modern) for e in entries):
        raise CatalogError(f"{where}: entry {entry!r} is not an entry point of the pair")
    if not _lines(expect):
        raise CatalogError(f"{where}: expect must be a non-empty list of stdout lines")
    absent = raw.get("absent", [])
    if absent and not _lines(absent):
        raise CatalogError(f"{where}: absent must be a list of stdout lines")
    names = raw.get("names", [])
    if names and not _lines(names):
        raise CatalogError(f"{where}: names must be a list of ledger names (see `threadport ledger`)")
    return Claim(quote=quote, entry=entry, expect=tuple(expect), absent=tuple(absent), names=tuple(names))


def _lines(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(line, str) and line for line in value)


def _toml_loads(text: str) -> dict:
    # Imported here: a catalogue read from the disk cache needs no TOML parser (tomllib's
    # import and parse were ~25-40 ms of every compare's start-up).
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on the 3.9/3.10 tox envs
        import tomli as tomllib
    return tomllib.loads(text)


def parse_catalog(text: str) -> tuple[Pair, ...]:
    return _pairs(_toml_loads(text))


def _pairs(data: dict) -> tuple[Pair, ...]:
    pairs = []
    for raw in data.get("pair", []):
        try:
            entries = tuple(_entry(e, raw["stem"]) for e in raw.get("entry", []))
            pairs.append(
                Pair(
                    stem=raw["stem"],
                    title=raw["title"],
                    origin=raw.get("origin", "showcase"),
                    summary=raw.get("summary", ""),
                    learn=" ".join(raw.get("learn", "").split()),
                    entries=entries,
                    notes=tuple(_note(n) for n in raw.get("note", [])),
                    claims=tuple(_claim(c, raw["stem"], entries) for c in raw.get("claim", [])),
                )
            )
        except KeyError as missing:
            raise CatalogError(f"pair {raw.get('stem', '?')!r}: missing key {missing}") from None
    return tuple(pairs)


@lru_cache(maxsize=1)
def load_catalog() -> tuple[Pair, ...]:
    return _pairs(_catalog_tables(CATALOG_FILE))


def _catalog_tables(path: str) -> dict:
    """The catalogue file's tables, kept in the disk cache (threadport.cache) for that
    version of the file (real path, inode, size, mtime): a changed file is parsed again.
    Validation (_pairs) runs on every load either way. One entry per install: a catalogue
    read from elsewhere (a test's) replaces it, and the next load parses the file again."""
    from threadport import cache

    key = cache.file_key(str(path))
    entry = cache.per_install("catalog", os.path.dirname(__file__))
    stored = cache.load(entry, key) if key else None
    if isinstance(stored, dict):
        return stored
    with open(path, encoding="utf-8") as catalog:
        data = _toml_loads(catalog.read())
    if key:
        cache.store(entry, key, data)
    return data


def get_pair(stem: str) -> Pair:
    for pair in load_catalog():
        if pair.stem == stem:
            return pair
    known = ", ".join(p.stem for p in load_catalog())
    raise CatalogError(f"no pair named {stem!r} (known: {known})")
