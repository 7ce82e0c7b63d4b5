"""One file through check or fix: read, prefilter, analyze or rewrite, never lose data."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterable, Iterator

from threadport.fixer import CODES, rule, rules
from threadport.fixer.engine import DEFAULT_MIN_PYTHON, Finding, FixBroke, analyze, fix_analyzed, fix_text
from threadport.fixer.literals import one_pass
from threadport.fixer.parsing import ParseFailure
from threadport.fixer.source import ChangedMeanwhile, Source, SourceError, decode, read_bytes, save
from threadport.fixer.tree import TreeFacts, gather_reexports, scan_outside, threading_reexport
from threadport.fixer.trigger import Matcher
from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from concurrent.futures import Executor  # a run over a few files never imports a pool
    from pathlib import Path  # a path may be one; the walk's are str (fixer.walk): no pathlib import
    from typing import TypeVar

    from threadport.fixer.ahead import Ahead, AskedFacts  # imported where `fix` uses them: check never does

    T = TypeVar("T")
    R = TypeVar("R")


def select_codes(select: Iterable[str] | None, ignore: Iterable[str] | None) -> tuple[str, ...]:
    """Codes chosen by ``--select``/``--ignore`` (exact codes or prefixes, like ruff's)."""

    def expand(option: str, values: Iterable[str]) -> set[str]:
        chosen = set()
        for value in values:
            matched = {code for code in CODES if code.startswith(value.strip().upper())}
            if not matched or not value.strip():
                raise ValueError(f"{option}: unknown code {value!r} (known: {', '.join(CODES)})")
            chosen |= matched
        return chosen

    selected = expand("--select", select) if select else set(CODES)
    if ignore:
        selected -= expand("--ignore", ignore)
    return tuple(code for code in CODES if code in selected)


# Bytes that several triggers' literals contain (thread: TP014's thread, TP011's
# dummy_threading; etName: getName, setName; Daemon: isDaemon, setDaemon). A file is
# scanned once for the group's guard, and for each literal of the group only if it holds
# the guard: of the 630 files of CPython 3.13's Lib without tests, 87 hold ``thread``, 7
# ``etName`` and 1 ``Daemon``, so the screening scans each file 12 times instead of 16.
THREAD = b"thread"  # also the guard of tree.threading_reexport's "threading" (_screen)
GUARDS = (THREAD, b"etName", b"Daemon")


class Prefilter:
    """Bytes-level test: can a selected rule have anything to say about this file?

    A literal scan rejects almost every file at memory speed; the precise
    patterns (whole words, in code, the acquire/finally/release words) then run on the few left.
    """

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.checks = [Matcher(rule(code).TRIGGER) for code in codes]
        self.groups = [(guard, [c for c in self.checks if guard in c.literal]) for guard in GUARDS]
        self.groups = [(guard, group) for guard, group in self.groups if group]
        grouped = [c for _, group in self.groups for c in group]
        self.alone = [c for c in self.checks if c not in grouped]
        # every literal a selected rule needs, the groups' guards, and THREAD (_screen's
        # re-export test needs it): what the one-pass test answers for (fixer.literals)
        self.literals = frozenset({check.literal for check in self.checks} | set(GUARDS))

    def presence(self, data: bytes) -> Callable[[bytes], bool] | None:
        """``has(literal)``: does ``data`` hold it? Answered from one pass over ``data``
        (fixer.literals: ahocorasick-rs's, else a regex's), a scan where that pass cannot tell;
        None when ``data`` certainly holds none of ``literals``."""
        held, absent = one_pass(self.literals).presence(data)
        if not held and len(absent) == len(self.literals):
            return None

        def has(literal: bytes) -> bool:
            return True if literal in held else False if literal in absent else literal in data

        return has

    def search(self, data: bytes, has: Callable[[bytes], bool] | None = None) -> bool:
        """``has``: presence(data), when the caller has asked it already."""
        if has is None:
            has = self.presence(data)
            if has is None:
                return False
        if any(check.search(data, has(check.literal)) for check in self.alone):
            return True
        for guard, group in self.groups:
            if has(guard) and any(check.search(data, has(check.literal)) for check in group):
                return True
        return False


def prefilter(codes: tuple[str, ...]) -> Prefilter:
    return Prefilter(codes)


class Outcome(Record):
    __slots__ = (
        "path",
        "findings",
        "error",
        "changed",
        "fixed",
        "old_text",
        "new_text",
        "defined",
        "assumed",
        "imports",
        "reexports",
        "wanted",
        "refuted",
        "ahead",
    )

    def __init__(
        self,
        path: Path,
        findings: list[Finding] | None = None,
        error: str | None = None,
        changed: bool = False,
        fixed: list[Finding] | None = None,
        old_text: str = "",
        new_text: str = "",
        defined: set[str] | None = None,
        assumed: set[str] | None = None,
        imports: set[str] | None = None,
        reexports: frozenset[str] | None = None,
        wanted: set[tuple[str, str, str]] | None = None,
        refuted: set[tuple[str, str]] | None = None,
        ahead: Ahead | None = None,
    ) -> None:
        self.path = path
        self.findings = [] if findings is None else findings
        self.error = error
        self.changed = changed
        self.fixed = [] if fixed is None else fixed
        self.old_text = old_text
        self.new_text = new_text
        self.defined = set() if defined is None else defined  # rule words this file defines (def/class body)
        self.assumed = set() if assumed is None else assumed  # self.attr kinds its findings relied on
        self.imports = set() if imports is None else imports  # modules it imports (absolute names)
        self.reexports = reexports  # it re-exports threading: the names it binds itself (tree.py)
        self.wanted = set() if wanted is None else wanted  # public parameters asked about (callers.py)
        self.refuted = set() if refuted is None else refuted  # ...that this file proves unknown
        self.ahead = ahead  # `fix`: the file fixed in the check pass (ahead.py)


def check_file(
    path: Path,
    explicit: bool,
    codes: tuple[str, ...],
    pattern: Prefilter,
    facts: TreeFacts | None = None,
    fix_ahead: bool | None = None,
) -> Outcome:
    """``fix_ahead``: not None for `fix` (its --aggressive), which fixes a file with findings
    here too, with what the file says alone (``facts`` must say nothing else: ahead.py)."""
    outcome = Outcome(path)
    try:
        data = read_bytes(path)
        outcome.reexports = threading_reexport(data)  # a module other files get threading from?
        if not explicit and not pattern.search(data):
            return outcome  # nothing a selected rule could say: not even decoded, nor parsed
        with collector_paused():
            _analyze_into(outcome, path, data, codes, facts, fix_ahead)
    except (SourceError, ParseFailure) as error:
        outcome.error = str(error)
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        outcome.error = unexpected(error)
    return outcome


def _analyze_into(
    outcome: Outcome,
    path: Path,
    data: bytes,
    codes: tuple[str, ...],
    facts: TreeFacts | None,
    fix_ahead: bool | None = None,
) -> None:
    source = Source(path, data, *decode(data))
    selected = rules(codes)
    if fix_ahead is not None:
        from threadport.fixer.ahead import AskedFacts

        facts = AskedFacts(DEFAULT_MIN_PYTHON if facts is None else facts.min_python)
    context, outcome.findings = analyze(source.text, selected, facts, str(path))
    tree = context.tree  # (fixing forgets it)
    words = {word for rule in selected for word in rule.TRIGGER.attributes | rule.TRIGGER.names}
    outcome.defined = context.collected.defined_names() & words
    outcome.assumed = set(context.receivers.assumed)
    outcome.wanted = set(context.receivers.wanted)
    outcome.imports = context.collected.imported
    set_columns(source.text, outcome.findings)
    collected = context.collected  # (fixing forgets it: disposed after)
    if fix_ahead is not None and outcome.findings:
        # (a file without findings has nothing to fix unless the tree gives it some)
        outcome.ahead = _fix_ahead(source, context, list(outcome.findings), selected, fix_ahead, facts)
    for finding in outcome.findings:
        finding.fixes = []  # edits are closures: `check` does not need them, and they do not pickle
    if outcome.wanted:  # here, in a worker, rather than the tree searched in the main process
        from threadport.fixer.callers import refuted  # here: most files ask about none

        outcome.refuted = refuted(source.text, tree, outcome.wanted)  # (a walk of its own: after fixing)
    collected.dispose()  # no cycles left: the tree goes when this function returns


@contextlib.contextmanager
def collector_paused(then_collect_young: bool = False) -> Iterator[None]:
    """gc off while one file is analysed. The tree and the walk's records are hundreds of
    thousands of objects, all alive until the findings are made: every 700 allocations
    the collector traversed the young ones again, a quarter of check's CPU on a standard
    library (0.5-0.6 s of 2 on CPython's). Nothing the analysis drops is cyclic
    (scopes.Collector.dispose, parsing.parse), so pausing it frees no less memory.
    ``then_collect_young``: one collection of the young generation after, for work that
    does leave cycles (migrate's 2to3 trees). A caller that turned gc off keeps it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if then_collect_young:
            gc.collect(0)


def _fix_ahead(
    source: Source, context, findings: list[Finding], selected: list, aggressive: bool, facts: AskedFacts
) -> Ahead:
    """What _fix_once would make of ``source`` with facts that answer as ``facts`` did, but
    not written: ``new_text`` None when unchanged."""
    from threadport.fixer.ahead import Ahead

    ahead = Ahead(facts.asked, facts.min_python, source.data)
    try:
        new_text, ahead.fixed, ahead.findings = fix_analyzed(
            source.text, context, findings, selected, aggressive, facts, str(source.path)
        )
        set_columns(new_text, ahead.findings)
        if new_text != source.text:
            new_text.encode(source.encoding)  # written in this encoding: _fix_once's test
            ahead.new_text = new_text
    except UnicodeEncodeError:
        ahead.error = _UNENCODABLE.format(source.encoding)
    except (SourceError, ParseFailure, FixBroke) as error:
        ahead.error = str(error)
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        ahead.error = unexpected(error)
    for finding in (*ahead.fixed, *ahead.findings):
        finding.fixes = []  # closures over the tree: they do not pickle
    return ahead


_UNENCODABLE = "the rewrite cannot be encoded as {}; file left unchanged"


def check_files(
    inputs: list[tuple[Path, bool]], codes: tuple[str, ...], min_python: tuple[int, int] = (2, 6)
) -> list[Outcome]:
    """check_file over many files, on every core when there are enough files to pay for it.

    Then what the tree says (tree.py) is gathered from the outcomes, and the few files
    whose findings it changes are checked again with it, so each file's findings are
    those of the whole tree. One pool of workers serves the three passes.
    """
    with _shared(len(inputs)) as pool:
        outcomes = _check_each(pool, inputs, codes, TreeFacts(min_python=min_python))
        facts = tree_facts(outcomes, inputs, min_python, pool)
        again = [(o.path, explicit) for o, (_, explicit) in zip(outcomes, inputs) if _affected(o, facts)]
        if again:
            redone = {o.path: o for o in _check_again(pool, again, codes, facts)}
            outcomes = [redone.get(o.path, o) for o in outcomes]
    return outcomes


def _check_again(
    pool: Executor | None, again: list[tuple[Path, bool]], codes: tuple[str, ...], facts: TreeFacts
) -> list[Outcome]:
    """check_file over the files whose findings the tree's facts may change, largest first.
    Analysed once already, they are not screened again: _check_each's screening pass would
    read each again and fork a helper for it (check_file still applies the prefilter)."""
    check = functools.partial(_check_pair, codes=codes, pattern=prefilter(codes), facts=facts)
    largest_first = sorted(again, key=lambda item: -_size(item[0]))
    return _map(pool if len(again) > 1 else None, check, largest_first, 1)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # check_file reports why it cannot read it


def tree_facts(
    outcomes: list[Outcome],
    inputs: list[tuple[Path, bool]],
    min_python: tuple[int, int] = (2, 6),
    pool: Executor | None = None,
) -> TreeFacts:
    """Definitions from the files checked, outside assignments of the attributes relied on
    (every file read again: by ``pool``'s workers when there is one)."""
    facts = TreeFacts(min_python=min_python)
    for outcome in outcomes:
        for name in outcome.defined:
            facts.defined.setdefault(name, set()).add(str(outcome.path))
    attrs = {attr for o in outcomes for attr in o.assumed}
    scan_outside(facts, [path for path, _ in inputs], attrs, functools.partial(_map, pool))
    found = {str(o.path): o.reexports for o in outcomes if o.reexports is not None}
    gather_reexports(facts, found, [path for path, _ in inputs])
    wanted = {key for o in outcomes for key in o.wanted}
    if not facts.reexports:  # (a re-exporting module can make known what a file alone cannot)
        refuted = {key for o in outcomes for key in o.refuted}
        wanted = {key for key in wanted if key[:2] not in refuted}
    if wanted:
        facts.params = parameter_facts(facts, wanted, [path for path, _ in inputs], pool)
    return facts


def parameter_facts(
    facts: TreeFacts, wanted: set[tuple[str, str, str]], paths: list[Path], pool: Executor | None = None
) -> dict[tuple[str, str], tuple]:
    """What every call in the tree passes the public parameters asked about (callers.py)."""
    from threadport.fixer.callers import gather  # here: most trees ask about none
    from threadport.fixer.receivers import Receivers

    def receivers_for(collected, text, path, answers):
        outside = functools.partial(facts.assigns_outside, except_file=str(path))
        receivers = Receivers(collected, outside, facts.reexports, text, answers)
        receivers.params_pending = True
        return receivers

    def scan_attributes(attrs: set[str]) -> None:
        scan_outside(facts, paths, attrs, functools.partial(_map, pool))

    pairs = {(name, param) for name, param, _ in wanted}
    return gather(paths, pairs, receivers_for, scan_attributes, {owner for _, _, owner in wanted})


def _affected(outcome: Outcome, facts: TreeFacts) -> bool:
    """Could another file's facts change this file's findings?"""
    # An outside assignment changes certainty. A name defined elsewhere changes --aggressive's
    # reach, and a possible finding's message says so ("... defined in this tree, so it is
    # left alone"): check must say it as `fix --aggressive` does it.
    path = str(outcome.path)
    if any(facts.assigns_outside(attr, path) for attr in outcome.assumed):
        return True
    if any(module in facts.reexports for module in outcome.imports):  # it gets threading through one
        return True
    if any(key[:2] in facts.params for key in outcome.wanted):  # every caller in the tree says what it is
        return True
    return any(
        finding.possible and facts.defines(name, path)
        for finding in outcome.findings
        for name in _aggressive_names(finding.code)
    )


def _aggressive_names(code: str) -> tuple[str, ...]:
    """The alias a rule renames on unknown receivers with --aggressive (TP001's isAlive)."""
    renames = getattr(rule(code), "RULE", None)
    return (renames.old,) if getattr(renames, "aggressive", False) else ()


def check_each(
    inputs: list[tuple[Path, bool]], codes: tuple[str, ...], facts: TreeFacts | None, fix_ahead: bool | None = None
) -> list[Outcome]:
    """check_file over many files, on every core when there are enough files."""
    with _workers(len(inputs)) as pool:
        return _check_each(pool, inputs, codes, facts, fix_ahead)


def _check_each(
    pool: Executor | None,
    inputs: list[tuple[Path, bool]],
    codes: tuple[str, ...],
    facts: TreeFacts | None,
    fix_ahead: bool | None = None,
) -> list[Outcome]:
    """check_file over ``inputs``: with forked helpers (check, and fix's pass that fixes ahead),
    in one pass (see below); else in two.

    First every file is read and screened by the prefilter (chunks of files per task); then
    the few it lets through are parsed and walked one per task, largest first: a parse costs
    a hundred scans, and handed out in the walk's order in chunks the heavy files of one
    folder would queue up on one core while the other sat idle.
    """
    pattern = prefilter(codes)
    if getattr(pool, "PULLS", False):
        # check (and fix) with forked helpers that pull one file at a time (forked.py): each file is
        # screened and, if let through, analysed at once by the process that took it. A second
        # pass over the files let through, largest first, cost a fork (a copy of each page
        # either process then writes), a wait for the slower process and a second read of
        # each; pulled one at a time, a heavy file holds up only the process analysing it.
        screen_and_check = functools.partial(
            _screen_and_check, codes=codes, pattern=pattern, facts=facts, fix_ahead=fix_ahead
        )
        return _map(pool, screen_and_check, inputs)
    # with helpers, this process imports what the analysis imports on demand as soon as its
    # share of the screening finds a file to analyse: the helpers forked for the analysis then
    # have it too, instead of each importing it again (_warm_for_analysis)
    warm_in = os.getpid() if pool is not None else None
    screened = _map(pool, functools.partial(_screen, pattern=pattern, warm_in=warm_in), inputs)
    sizes = [size for size, _ in screened]
    todo = sorted((i for i, size in enumerate(sizes) if size is not None), key=lambda i: -sizes[i])
    # what a file the prefilter stops gets (and whether it re-exports threading: tree.py)
    outcomes = [Outcome(path, reexports=reexports) for (path, _), (_, reexports) in zip(inputs, screened)]
    check = functools.partial(_check_pair, codes=codes, pattern=pattern, facts=facts, fix_ahead=fix_ahead)
    with _analysis_workers(pool, len(todo), fix_ahead) as workers:
        for i, outcome in zip(todo, _map(workers if len(todo) > 1 else None, check, [inputs[i] for i in todo], 1)):
            outcomes[i] = outcome
    return outcomes


def _screen_and_check(
    item: tuple[Path, bool],
    codes: tuple[str, ...],
    pattern: Prefilter,
    facts: TreeFacts | None,
    fix_ahead: bool | None = None,
) -> Outcome:
    """check_file for a file the prefilter lets through, else what a stopped file gets."""
    size, reexports = _screen(item, pattern)
    if size is None:
        return Outcome(item[0], reexports=reexports)
    return check_file(item[0], item[1], codes, pattern, facts, fix_ahead)


@contextlib.contextmanager
def _analysis_workers(pool: Executor | None, files: int, fix_ahead: bool | None) -> Iterator[Executor | None]:
    """The check pass's pool; for `fix`, whose pass also rewrites the files let through, a pool
    from FIX_POOL_MINIMUM of them even when the tree is too small for check's."""
    if pool is not None or fix_ahead is None:
        yield pool
        return
    with _workers(files, FIX_POOL_MINIMUM) as workers:
        yield workers


def _screen(
    item: tuple[Path, bool], pattern: Prefilter, warm_in: int | None = None
) -> tuple[int | None, frozenset[str] | None]:
    """None when the prefilter stops the file, else its size (the cost of analysing it); and
    the names it binds itself if it re-exports threading (tree.py: a memchr for most files).
    ``warm_in``: the process that calls _warm_for_analysis when a file is to be analysed."""
    path, explicit = item
    try:
        data = read_bytes(path)
    except SourceError:
        return 0, None  # check_file reads it again and reports why it cannot
    if explicit:  # (read whatever it holds: no screening, nor the one-pass test's set-up)
        holds_thread, passed = THREAD in data, True
    else:
        has = pattern.presence(data)  # the prefilter's literals and the re-export test's THREAD
        if has is None:  # none of them, not even THREAD: no re-export either (tree.py)
            return None, None
        holds_thread = has(THREAD)
        passed = pattern.search(data, has)
    if passed and warm_in is not None and warm_in == os.getpid():
        _warm_for_analysis()
    return (len(data) if passed else None), (threading_reexport(data) if holds_thread else None)


def _warm_for_analysis() -> None:
    """Import what analysing a file imports on demand: tokenize-rt (TP010's trial rewrites,
    a comment inside a call), which pulls in typing, argparse and tokenize (about 12 ms), and
    the Python 2 shim. Done once, by the parent while its helpers screen (files._check_each)."""
    import tokenize_rt  # noqa: F401

    from threadport.fixer import py2shim  # noqa: F401


# Files: below this, forking the workers costs more than it saves. The prefilter lets a few
# percent of a tree through, so the pool's own cost (the pool's import, the fork, its threads,
# the pickles, copy-on-write faults in the workers) weighs against the screening of the whole
# tree plus the analysis of those few: on CPython 3.13's Lib without tests (630 files, 18 let
# through) check took 0.82-0.98 s of CPU with the pool and 0.66-0.74 s without (min and median
# of 8 runs each, interleaved, bench_check's corpus); from about a thousand files the pool's
# halved wall time is worth it (2.7's Lib, 1369 files; 3.13's with tests, 1726).
POOL_MINIMUM = 1000


# Files: from this many, check shares its passes with a forked copy of itself per further core
# (forked.py: a fork and a pickle of the results per pass, a few milliseconds). Screening costs
# about 0.15 ms a file, so a hundred files already give the helper more than its own cost.
SHARE_MINIMUM = 100


@contextlib.contextmanager
def _shared(items: int) -> Iterator[Executor | None]:
    """For check: forked helpers (forked.ForkedShare) when there are SHARE_MINIMUM ``items``
    and more than one core, else None: the work is done here."""
    yield forked_share() if items >= SHARE_MINIMUM else None


@contextlib.contextmanager
def _workers(items: int, minimum: int | None = None) -> Iterator[Executor | None]:
    """A pool of forked workers (they start in milliseconds, without re-importing) when
    there are ``minimum`` items (POOL_MINIMUM) to pay for it, else None: the work is done here."""
    if items < (POOL_MINIMUM if minimum is None else minimum) or _worker_count() < 2:
        yield None
        return
    import multiprocessing  # here: a run over a few files never imports a pool
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with ProcessPoolExecutor(max_workers=_worker_count(), mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def _map(pool: Executor | None, function: Callable[[T], R], items: list[T], chunksize: int = 0) -> list[R]:
    """``[function(item) for item in items]``, by ``pool`` when there is one (chunks of
    ``chunksize`` items; 0: about eight per worker)."""
    if pool is None:
        return [function(item) for item in items]
    if not chunksize and not getattr(pool, "PULLS", False):  # forked.py's helpers pull one item at a time
        chunksize = max(1, len(items) // (_worker_count() * 8))
    return list(pool.map(function, items, chunksize=chunksize))


def _worker_count() -> int:
    return min(os.cpu_count() or 1, 8)


def in_order(function: Callable[[T], R], items: list[T], minimum: int = POOL_MINIMUM) -> list[R]:
    """``[function(item) for item in items]``, on every core when there are enough items
    to pay for the workers."""
    with _workers(len(items), minimum) as pool:
        return _map(pool, function, items)


def _check_pair(
    item: tuple[Path, bool],
    codes: tuple[str, ...],
    pattern: Prefilter,
    facts: TreeFacts | None,
    fix_ahead: bool | None = None,
) -> Outcome:
    return check_file(item[0], item[1], codes, pattern, facts, fix_ahead)


# How often `fix` starts again on a file that another program rewrote while it was
# being fixed (each time on the new content) before it reports it.
ATTEMPTS = 3


# Rewriting is parse-and-walk on every file left (they all have findings): a pool pays
# off from a few dozen files, not the hundreds that check's mostly-prefiltered walk needs.
FIX_POOL_MINIMUM = 24


def fix_each(
    inputs: list[tuple[Path, bool]],
    codes: tuple[str, ...],
    facts: TreeFacts | None,
    *,
    aggressive: bool = False,
    write: bool = True,
    pool: Executor | None = None,
) -> list[Outcome]:
    """fix_file over many files, in their order, each read, fixed and written in a worker
    (``pool``'s, when one is open already)."""
    one = functools.partial(
        _fix_pair, codes=codes, pattern=prefilter(codes), aggressive=aggressive, write=write, facts=facts
    )
    return _map(pool, one, inputs) if pool is not None else in_order(one, inputs, FIX_POOL_MINIMUM)


def fix_files(
    inputs: list[tuple[Path, bool]],
    codes: tuple[str, ...],
    min_python: tuple[int, int] = (2, 6),
    *,
    aggressive: bool = False,
    write: bool = True,
) -> tuple[list[tuple[Path, bool]], list[Outcome]]:
    """`fix` over a tree: the files it may change, and its outcome for each.

    What the other files say (a test double's isAlive, self._thread assigned from a test)
    decides what is certain in each file, so the tree is checked before the first write; that
    pass fixes each file with findings too, in memory (ahead.py). One pool of workers serves
    the passes that only read, as in check_files: the check and the tree's facts. The files
    fixed again (a few) are written by fix_each's own pool when there are enough of them: a
    forked helper that dies is redone by this process, which must never happen to a write.
    """
    with _shared(len(inputs)) as share:
        checked = _check_each(share, inputs, codes, TreeFacts(min_python=min_python), aggressive)
        facts = tree_facts(checked, inputs, min_python, share)
    kept = [(item, outcome) for item, outcome in zip(inputs, checked) if needs_fixing(outcome, facts)]
    todo = [item for item, _ in kept]
    seen = [outcome for _, outcome in kept]
    return todo, fix_checked(todo, seen, codes, facts, aggressive=aggressive, write=write)


def fix_checked(
    items: list[tuple[Path, bool]],
    checked: list[Outcome],
    codes: tuple[str, ...],
    facts: TreeFacts,
    *,
    aggressive: bool = False,
    write: bool = True,
    pool: Executor | None = None,
) -> list[Outcome]:
    """fix_each's outcomes for ``items``, whose check pass (``checked``, in the same order) fixed
    them ahead: kept (and written here) where the tree's ``facts`` answer what it asked alike,
    else fixed again, as are files that changed since they were read.

    The kept files are written while forked helpers fix the others (_fix_again's
    ``meanwhile``): each write waits on the disk (fsync), with the other core idle when they
    came first (on 2.7's Lib, 8 files written, 2 fixed again)."""
    outcomes: list[Outcome | None] = [None] * len(items)
    kept = [(i, seen.ahead) for i, seen in enumerate(checked) if seen.ahead is not None and seen.ahead.holds(facts)]

    def finish_kept() -> None:
        for i, ahead in kept:
            outcomes[i] = _finish_ahead(items[i][0], ahead, write)  # None: it changed since it was read

    held = {i for i, _ in kept}
    again = [i for i in range(len(items)) if i not in held]
    if again:
        redone = _fix_again([items[i] for i in again], codes, facts, aggressive, write, pool, finish_kept)
        for i, outcome in zip(again, redone):
            outcomes[i] = outcome
    else:
        finish_kept()
    late = [i for i, _ in kept if outcomes[i] is None]  # changed meanwhile: fixed again, as _fix_once retries
    if late:
        for i, outcome in zip(late, _fix_again([items[i] for i in late], codes, facts, aggressive, write, pool)):
            outcomes[i] = outcome
    return outcomes  # type: ignore[return-value] # every None was replaced


def _fix_again(
    items: list[tuple[Path, bool]],
    codes: tuple[str, ...],
    facts: TreeFacts,
    aggressive: bool,
    write: bool,
    pool: Executor | None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Outcome]:
    """fix_each's outcomes for the files fixed again. Too few for fix_each's pool (on 2.7's
    Lib, 2 files: a fifth of fix's time beyond check's, with a core idle), they are fixed in
    memory by this process and forked helpers (forked.ForkedShare), then written here over the
    bytes they were read as: a helper never writes, so one that dies leaves nothing half done.
    A file a helper did not fix, or that changed meanwhile, is fixed here by fix_file.
    ``meanwhile``: this process's own work, done first (while the helpers fix)."""
    share = forked_share() if pool is None and 1 < len(items) < FIX_POOL_MINIMUM else None
    if share is None:
        if meanwhile is not None:
            meanwhile()
        return fix_each(items, codes, facts, aggressive=aggressive, write=write, pool=pool)
    pattern = prefilter(codes)
    unwritten = share.map(
        functools.partial(_fix_unwritten, codes=codes, pattern=pattern, aggressive=aggressive, facts=facts),
        items,
        meanwhile=meanwhile,
    )
    outcomes = []
    for item, ahead in zip(items, unwritten):
        outcome = _finish_ahead(item[0], ahead, write) if ahead is not None else None
        if outcome is None:
            outcome = _fix_pair(item, codes, pattern, aggressive, write, facts)
        outcomes.append(outcome)
    return outcomes


def forked_share():
    """forked.ForkedShare: a forked helper per core beyond this one, or None (one core, or no
    fork here). Used by check, by fix for the files fixed again, and by migrate."""
    workers = _worker_count()
    if workers < 2:
        return None
    from threadport.fixer.forked import ForkedShare, can_fork  # here: a run over a few files never forks

    return ForkedShare(workers - 1) if can_fork() else None


def _fix_unwritten(
    item: tuple[Path, bool], codes: tuple[str, ...], pattern: Prefilter, aggressive: bool, facts: TreeFacts
) -> Ahead | None:
    """What _fix_once makes of the file, not written (an Ahead that asked nothing: made with
    the tree's facts); None when _fix_once would not reach the fix (fix_file does it then)."""
    from threadport.fixer.ahead import Ahead

    path, explicit = item
    try:
        data = read_bytes(path)
    except SourceError:
        return None
    if not explicit and not pattern.search(data):
        return None
    ahead = Ahead({}, facts.min_python, data)
    try:
        source = Source(path, data, *decode(data))
        with collector_paused():  # as in the check pass, which fixed the others ahead
            new_text, ahead.fixed, ahead.findings = fix_text(source.text, rules(codes), aggressive, facts, str(path))
        set_columns(new_text, ahead.findings)
        if new_text != source.text:
            try:
                new_text.encode(source.encoding)
            except UnicodeEncodeError:
                ahead.error = _UNENCODABLE.format(source.encoding)
            else:
                ahead.new_text = new_text
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        ahead.error = _failure(error)
    for finding in (*ahead.fixed, *ahead.findings):
        finding.fixes = []  # closures over the tree: they do not pickle
    return ahead


def _finish_ahead(path: Path, ahead: Ahead, write: bool) -> Outcome | None:
    """The Outcome _fix_once gives, from a fix made ahead; None when the file no longer holds
    the bytes it was made from (it is fixed again, as _fix_once retries)."""
    if ahead.error is not None:
        return Outcome(path, error=ahead.error)
    outcome = Outcome(path, findings=ahead.findings, fixed=ahead.fixed)
    if ahead.new_text is None:
        return outcome
    text, encoding = decode(ahead.data)
    if not write:
        outcome.old_text, outcome.new_text, outcome.changed = text, ahead.new_text, True
        return outcome
    try:
        outcome.changed = save(Source(path, ahead.data, text, encoding), ahead.new_text)
    except ChangedMeanwhile:
        return None
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        outcome.error = _failure(error)
    return outcome


def _fix_pair(
    item: tuple[Path, bool],
    codes: tuple[str, ...],
    pattern: Prefilter,
    aggressive: bool,
    write: bool,
    facts: TreeFacts | None,
) -> Outcome:
    outcome = fix_file(item[0], item[1], codes, pattern, aggressive=aggressive, write=write, facts=facts)
    for finding in (*outcome.fixed, *outcome.findings):
        finding.fixes = []  # closures over the tree: they do not pickle, and the caller needs none
    if write:
        outcome.old_text = outcome.new_text = ""  # only --diff shows them: no need to ship them back
    return outcome


def needs_fixing(outcome: Outcome, facts: TreeFacts) -> bool:
    """After check_each: can fix_file change (or fail on) this file? Without findings it has
    nothing to rewrite, unless the tree's facts give it some (what check_files re-checks)."""
    return bool(outcome.findings or outcome.error) or _affected(outcome, facts)


def fix_file(
    path: Path,
    explicit: bool,
    codes: tuple[str, ...],
    pattern: Prefilter,
    *,
    aggressive: bool = False,
    write: bool = True,
    facts: TreeFacts | None = None,
) -> Outcome:
    for _ in range(ATTEMPTS):
        try:
            return _fix_once(path, explicit, codes, pattern, aggressive, write, facts)
        except ChangedMeanwhile as error:
            last = error  # compare and swap failed: nothing was written; fix what is there now
    return Outcome(path, error=f"{last} ({ATTEMPTS} attempts; run fix again)")


def _fix_once(
    path: Path,
    explicit: bool,
    codes: tuple[str, ...],
    pattern: Prefilter,
    aggressive: bool,
    write: bool,
    facts: TreeFacts | None,
) -> Outcome:
    outcome = Outcome(path)
    try:
        data = read_bytes(path)
        if not explicit and not pattern.search(data):
            return outcome
        source = Source(path, data, *decode(data))
        new_text, outcome.fixed, outcome.findings = fix_text(source.text, rules(codes), aggressive, facts, str(path))
        outcome.old_text, outcome.new_text = source.text, new_text
        set_columns(new_text, outcome.findings)
        if new_text != source.text:
            try:
                new_text.encode(source.encoding)
            except UnicodeEncodeError:  # cannot happen with ASCII renames, but never write a lossy file
                outcome.error = _UNENCODABLE.format(source.encoding)
                return outcome
            outcome.changed = save(source, new_text) if write else True
    except ChangedMeanwhile:
        raise
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        outcome.error = _failure(error)
    return outcome


def _failure(error: Exception) -> str:
    """The line for a file that fixing or writing failed on (fixed ahead or here alike)."""
    if isinstance(error, (SourceError, ParseFailure, FixBroke)):
        return str(error)
    if isinstance(error, OSError):
        return f"cannot write: {error.strerror or error}"
    return unexpected(error)


def unexpected(error: Exception) -> str:
    """The line for a failure no check foresaw: what it was, and that it is ours to fix."""
    if isinstance(error, MemoryError):
        return f"out of memory while analyzing it ({error or 'MemoryError'})"
    if isinstance(error, RecursionError):
        return "too deeply nested to analyze (Python's recursion limit)"
    return f"internal error ({type(error).__name__}: {error}); file left unchanged, please report it"


def set_columns(text: str, findings: list[Finding]) -> None:
    """1-based character columns from UTF-8 byte offsets (what editors show)."""
    lines = text.split("\n")
    for finding in findings:
        line = lines[finding.line - 1] if finding.line <= len(lines) else ""
        finding.column = len(line.encode("utf-8")[: finding.col].decode("utf-8", "ignore")) + 1
