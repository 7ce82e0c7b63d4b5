"""The deprecation ledger: what each old (and new) name does on each interpreter, probed.

``ledger_probe.py`` runs on every interpreter discovery finds (Python 2.7, each
Python 3.6+, and a ``python3.14`` / ``python3.14t`` / ``python3.13t`` on PATH) and
USES each name the catalogue talks about with warnings turned into errors. The
answers are facts measured here, not written from memory; the catalogue's
version facts are checked against them (``check_facts``), and so are the
fixer rules' "since" versions (``status``).

API (what other modules and tests use)::

    from threadport import ledger
    book = ledger.load()                      # probe every interpreter (cached per path+mtime)
    book.status("Thread.isAlive", "3.8")      # -> Status("warns", "DeprecationWarning", ...)
    book.status("Thread.isAlive", "3.9.18")   # a full version picks that exact interpreter
    ledger.check_facts([Fact("Thread.isAlive", "removed_in", "3.9")], book)  # -> [] or problems
    book.first("threading.currentThread", "warns").version  # -> "3.10.13": the oldest that warns

A version may be "3.8" (the interpreter of that minor version the ledger has) or
a full "3.8.18". The ledger only knows the patch versions installed here, so a
fact is checked as *consistent with the ledger*: ``warns_from = "3.7.3"`` holds
when every probed 3.7.x at or past 3.7.3 warns and every earlier interpreter
does not; which 3.7.x between 3.7.0 and the probed one started is beyond it.

The JSON file (``threadport ledger --output FILE``, written by tox's report env to
``.tox/ledger.json``) is::

    {"format": "threadport-ledger/1",
     "names": [{"name": "Thread.isAlive", "kind": "name"}, ...],   # table order
     "interpreters": [
       {"version": "3.7.16", "implementation": "CPython", "free_threaded": false,
        "path": "/.../python3.7",
        "results": {"Thread.isAlive": {"status": "warns", "category": "PendingDeprecationWarning",
                                       "detail": "isAlive() is deprecated, use is_alive() instead"},
                    ...}}]}

``status`` is exists / warns / gone / error; ``category`` only with warns;
``kind`` is name, behaviour (exists = the behaviour holds) or syntax.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from threadport import cache as disk_cache
from threadport.errors import ThreadportError
from threadport.facts import Fact  # here since the rules import it without the ledger
from threadport.interpreters import Interpreter, InterpreterNotFound, find_legacy, probe, python3s

FORMAT = "threadport-ledger/1"
PROBE_SCRIPT = Path(__file__).with_name("ledger_probe.py")
STATUSES = ("exists", "warns", "gone", "error")
FACT_KINDS = ("exists_from", "warns_from", "removed_in", "defined_as")
# Newer and free-threaded builds are found on PATH only (pyenv here has none).
EXTRA_COMMANDS = ("python3.13t", "python3.14", "python3.14t", "python3.15", "python3.15t")
PROBE_TIMEOUT = 60.0  # the probe starts a thread or two and two tiny subprocesses
# Probe answers kept (threadport.cache.prune): one per interpreter build and probe script.
LEDGER_ENTRIES = 64


class LedgerError(ThreadportError):
    """A probe that did not run, a ledger file that is not one, an unknown name or version."""


@dataclass(frozen=True)
class Status:
    status: str  # exists / warns / gone / error
    category: str = ""  # the warning's class name, with warns
    detail: str = ""

    def short(self) -> str:
        return f"warns ({self.category})" if self.status == "warns" else self.status


@dataclass(frozen=True)
class Column:
    """One interpreter's answers."""

    version: str  # the full version, "3.7.16"
    implementation: str
    free_threaded: bool
    path: str
    results: dict[str, Status]

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return parse_version(self.version)

    @property
    def label(self) -> str:
        return self.version + ("t" if self.free_threaded else "")


@dataclass
class Ledger:
    names: list[tuple[str, str]]  # (name, kind) in table order
    columns: list[Column] = field(default_factory=list)

    def column(self, version: str) -> Column:
        """The interpreter for "3.8" (its minor version) or "3.8.18" (exactly); "3.13t" = free-threaded."""
        free = version.endswith("t")
        wanted = parse_version(version.rstrip("t"))
        for column in self.columns:
            if column.free_threaded == free and column.version_tuple[: len(wanted)] == wanted:
                return column
        have = ", ".join(c.label for c in self.columns) or "none"
        raise LedgerError(f"the ledger has no Python {version} (it has {have})")

    def status(self, name: str, version: str) -> Status:
        if name not in dict(self.names):
            raise LedgerError(f"the ledger probes no name {name!r}")
        return self.column(version).results[name]

    def first(self, name: str, status: str, *, since: str = "3") -> Column | None:
        """The oldest interpreter (from ``since`` on, default-GIL builds) where ``name`` has ``status``.

        ``book.first("Thread.isAlive", "gone").version`` -> "3.9.18": a rule that says
        "removed in 3.9" checks its version against it."""
        floor = parse_version(since)
        for column in self.columns:
            if column.free_threaded or column.version_tuple[: len(floor)] < floor:
                continue
            if column.results.get(name, Status("")).status == status:
                return column
        return None

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "names": [{"name": n, "kind": k} for n, k in self.names],
            "interpreters": [
                {
                    "version": c.version,
                    "implementation": c.implementation,
                    "free_threaded": c.free_threaded,
                    "path": c.path,
                    "results": {
                        name: {"status": s.status, "category": s.category, "detail": s.detail}
                        for name, s in c.results.items()
                    },
                }
                for c in self.columns
            ],
        }


def parse_version(text: str) -> tuple[int, ...]:
    try:
        parts = tuple(int(p) for p in text.split("."))
    except ValueError:
        parts = ()
    if not 1 <= len(parts) <= 3:
        raise LedgerError(f"not a version: {text!r} (write 3.9 or 3.7.3)")
    return parts


# --- probing --------------------------------------------------------------------------


def _cache_dir() -> Path:
    base = os.environ.get("THREADPORT_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "threadport" / "ledger"


def _cache_key(path: str) -> str:
    """Same interpreter file (path, size, mtime) and same probe script -> same answers."""
    import hashlib  # here and below: only probing needs them, not every command that reads the ledger

    real = os.path.realpath(path)
    stat = os.stat(real)
    script = hashlib.sha256(PROBE_SCRIPT.read_bytes()).hexdigest()
    raw = f"{real}\0{stat.st_size}\0{stat.st_mtime_ns}\0{script}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _column(document: dict, path: str) -> Column:
    results = {}
    for raw in document["results"]:
        results[raw["name"]] = Status(raw["status"], raw.get("category", ""), raw.get("detail", ""))
    return Column(document["version"], document["implementation"], bool(document["free_threaded"]), path, results)


def probe_interpreter(path: str, *, use_cache: bool = True) -> tuple[Column, list[tuple[str, str]]]:
    """Run the probe on one interpreter (or read its cached answers)."""
    import subprocess

    cache = _cache_dir() / f"{_cache_key(path)}.json"
    document = None
    if use_cache and cache.is_file():
        try:
            document = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            document = None
    if document is None:
        try:
            done = subprocess.run(
                [path, "-S", "-E", "-s", str(PROBE_SCRIPT)],
                capture_output=True,
                text=True,
                timeout=PROBE_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise LedgerError(f"{path}: the probe did not run ({error})") from None
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise LedgerError(f"{path}: the probe failed with status {done.returncode}: {tail}")
        document = json.loads(done.stdout)
        if use_cache:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                scratch = cache.with_suffix(f".{os.getpid()}.tmp")
                scratch.write_text(json.dumps(document), encoding="utf-8")
                os.replace(scratch, cache)  # atomic: parallel tox envs never read half a file
            except OSError:
                pass  # a read-only home only costs a re-probe
            else:  # an entry per interpreter build and probe script: the newest are kept
                disk_cache.prune(str(cache.parent), LEDGER_ENTRIES)
    names = [(raw["name"], raw["kind"]) for raw in document["results"]]
    return _column(document, path), names


def interpreters() -> list[Interpreter]:
    """Every interpreter to probe: the Python 2.7, each Python 3 minor, newer/free-threaded ones on PATH."""
    found: list[Interpreter] = []
    try:
        found.append(find_legacy())
    except InterpreterNotFound:
        pass
    found.extend(python3s())
    for command in EXTRA_COMMANDS:
        exe = shutil.which(command)
        extra = probe(exe) if exe else None
        if extra and all(os.path.realpath(extra.path) != os.path.realpath(f.path) for f in found):
            found.append(extra)
    return found


def not_found() -> list[str]:
    """The newer / free-threaded commands looked for on PATH and not found (rows not probed here)."""
    return [command for command in EXTRA_COMMANDS if not shutil.which(command)]


def build(pythons: list[Interpreter] | None = None, *, use_cache: bool = True) -> Ledger:
    """Probe each interpreter (in parallel) into one ledger, oldest first."""
    from concurrent.futures import ThreadPoolExecutor

    pythons = interpreters() if pythons is None else pythons
    if not pythons:
        raise LedgerError("no interpreter found to probe (see `threadport compare --help` for where they come from)")
    with ThreadPoolExecutor(max_workers=min(len(pythons), os.cpu_count() or 2)) as pool:
        answers = list(pool.map(lambda p: probe_interpreter(p.path, use_cache=use_cache), pythons))
    names = answers[0][1]
    for _, other in answers[1:]:
        names += [n for n in other if n not in names]
    columns = sorted((column for column, _ in answers), key=lambda c: (c.version_tuple, c.free_threaded))
    return Ledger(names, columns)


@lru_cache(maxsize=1)
def _discovered() -> Ledger:
    return build()


def load(path: str | Path | None = None) -> Ledger:
    """The ledger: from a file written by ``threadport ledger --output``, else probed (once per process)."""
    if path is None:
        return _discovered()
    return read(Path(path))


def read(path: Path) -> Ledger:
    """A ledger file, validated: one clear LedgerError on anything else."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(f"{path}: cannot read it ({error})") from None
    except ValueError as error:
        raise LedgerError(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise LedgerError(f'{path}: not a threadport ledger (no "format": "{FORMAT}")')
    try:
        names = [(raw["name"], raw["kind"]) for raw in document["names"]]
        columns = []
        for raw in document["interpreters"]:
            results = {
                n: Status(r["status"], r.get("category", ""), r.get("detail", "")) for n, r in raw["results"].items()
            }
            bad = [n for n, s in results.items() if s.status not in STATUSES]
            if bad:
                raise LedgerError(f"{path}: unknown status for {bad[0]!r}")
            columns.append(
                Column(raw["version"], raw["implementation"], bool(raw["free_threaded"]), raw["path"], results)
            )
    except (KeyError, TypeError, AttributeError) as error:
        raise LedgerError(f"{path}: malformed ledger ({type(error).__name__}: {error})") from None
    return Ledger(names, columns)


# --- facts ------------------------------------------------------------------------------


def expected(facts: list[Fact], version: tuple[int, ...]) -> tuple[str, str] | None:
    """(status, category) the facts of ONE name predict on ``version``; None: they say nothing."""
    timeline = sorted((f for f in facts if f.kind != "defined_as"), key=lambda f: parse_version(f.version))
    state: tuple[str, str] | None = None
    if timeline and timeline[0].kind == "exists_from":
        state = ("gone", "")
    elif timeline and timeline[0].kind in ("warns_from", "removed_in"):
        state = ("exists", "")
    for fact in timeline:
        if _at_or_after(version, parse_version(fact.version)):
            state = {
                "exists_from": ("exists", ""),
                "warns_from": ("warns", fact.category or "DeprecationWarning"),
                "removed_in": ("gone", ""),
            }[fact.kind]
    return state


def _at_or_after(version: tuple[int, ...], since: tuple[int, ...]) -> bool:
    """3.7.16 is at or after 3.7.3 and after 3.7; 3.6.15 is before 3.7.3."""
    return version >= since if len(since) == 3 else version[: len(since)] >= since


def check_facts(facts: list[Fact], book: Ledger) -> list[str]:
    """Every way the facts disagree with the ledger, one line each ([] = consistent)."""
    problems = []
    known = dict(book.names)
    by_name: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.name not in known:
            problems.append(f"{fact}: the ledger probes no such name")
        elif fact.kind not in FACT_KINDS:
            problems.append(f"{fact}: unknown kind (use {', '.join(FACT_KINDS)})")
        else:
            by_name.setdefault(fact.name, []).append(fact)
    for name, group in by_name.items():
        for fact in (f for f in group if f.kind == "defined_as"):
            problems += _check_definition(fact, book)
        for column in book.columns:
            want = expected(group, column.version_tuple)
            got = column.results.get(name)
            if want is None or got is None:
                continue
            if (got.status, got.category if got.status == "warns" else "") != want:
                said = ", ".join(f"{f.kind} {f.version}{f' ({f.category})' if f.category else ''}" for f in group)
                shown = f"warns ({want[1]})" if want[0] == "warns" else want[0]
                problems.append(
                    f"{name} on Python {column.label}: the ledger says {got.short()}, the facts ({said}) say {shown}"
                )
    return problems


def _check_definition(fact: Fact, book: Ledger) -> list[str]:
    wanted = parse_version(fact.version)
    columns = [c for c in book.columns if c.version_tuple[: len(wanted)] == wanted]
    problems = []
    for column in columns:
        got = column.results[fact.name]
        if got.status != "exists" or got.detail != fact.value:
            problems.append(
                f"{fact}: on Python {column.label} the ledger says {got.short()}, defined as {got.detail!r}"
            )
    return problems
