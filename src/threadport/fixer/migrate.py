"""The full Python 2 -> 3 pipeline for one text: lib2to3's fixers (fissix), threadport's
rules, then pyupgrade --py39-plus; the result must compile on this Python 3.

2to3 alone leaves ``t.isAlive()`` (runs on 3.8, AttributeError on 3.9+) and every other
threading alias; pyupgrade does not know them either. The middle step is threadport's.

A file that is already Python 3 skips 2to3 (whose fixers break Python 3 code: a compat
module's ``basestring = (bytes, str)`` becomes ``str = (bytes, str)``). Python 2
indentation that mixes tabs and spaces is expanded as 2.7 reads it (8-column tab stops)
before the Python 3 stages, which refuse it. Output that does not compile is an error
naming its line, never "Migrated".

Speed, with the output of the plain pipeline (every default fixer, every stage, pyupgrade's
command run until it changes nothing; tests/fixer/plain_migrate.py) byte for byte: each file
goes through every stage in one worker; 2to3 reuses the parse that told it is Python 2 and
leaves out the fixers whose words the file does not contain; threadport's fix is skipped
when its prefilter says no rule can apply; pyupgrade's command runs in the worker.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import re
import sys
import warnings
from functools import lru_cache

from threadport.errors import ThreadportError
from threadport.fixer import rules
from threadport.fixer.engine import fix_text
from threadport.fixer.files import collector_paused
from threadport.fixer.parsing import _python2_tree
from threadport.fixer.py2shim import Shim, expand_tabs


class MigrateError(ThreadportError):
    """A step of the pipeline refused the text; the message names the step."""


_PYTHON3_ONLY = (
    ast.JoinedStr,
    ast.AnnAssign,
    ast.Nonlocal,
    ast.YieldFrom,
    ast.AsyncFunctionDef,
    ast.Await,
    ast.AsyncFor,
    ast.AsyncWith,
    ast.NamedExpr,
    ast.MatMult,
)


def _python3_only(tree: ast.AST, print_function: bool = False) -> bool:
    """Syntax Python 2 never had: f-strings, annotations, keyword-only arguments, nonlocal,
    ``yield from``, async, ``:=``, ``@``, ``raise ... from``, ``print(..., end=...)``."""
    for node in ast.walk(tree):
        if isinstance(node, _PYTHON3_ONLY):
            return True
        if isinstance(node, ast.arguments) and (node.kwonlyargs or any(a.annotation for a in node.args)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            return True
        if isinstance(node, ast.Raise) and node.cause is not None:
            return True
        if (
            not print_function
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and any(k.arg in ("end", "sep", "file", "flush") for k in node.keywords)
        ):
            return True
    return False


def is_python3(text: str) -> bool:
    """Python 3 source: Python 3 parses it, and Python 2's grammar (print statement) does not
    or it uses syntax only Python 3 has. 2to3 must not run over it."""
    return _python3_or_tree(text)[0]


def _python3_or_tree(text: str):
    """(is_python3(text), the fissix tree when that answer needed Python 2's grammar to parse
    it, else None): 2to3 starts from that tree instead of parsing the file a second time."""
    try:
        tree = _compile(text, "<source>", ast.PyCF_ONLY_AST)
    except (SyntaxError, ValueError):
        return False, None
    if "print_function" in text and "__future__" in text:  # print(..., end=...) is Python 2 then
        return _python3_only(tree, print_function=True), None
    if _python3_only(tree):
        return True, None
    parsed = _python2_tree(text)
    return isinstance(parsed, str), (None if isinstance(parsed, str) else parsed)


def normalise_tabs(text: str) -> str:
    """Leading tabs expanded to 8-column stops, as Python 2 reads them, when Python 3 would
    refuse the mix (TabError); everything else, strings included, is left as it is."""
    if "\t" not in text:
        return text  # no tab, no TabError: not worth a parse
    try:
        _compile(text, "<source>", ast.PyCF_ONLY_AST)
    except TabError:
        return expand_tabs(Shim(text)).text
    except (SyntaxError, ValueError):
        pass
    return text


def _compile(text: str, name: str, flags: int = 0):
    """compile() without its warnings: a SyntaxWarning about an intermediate text (`x is 1`,
    which pyupgrade's stage then rewrites to `x == 1`) named the user's file on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, name, "exec", flags, dont_inherit=True)


def compile_error(text: str, name: str) -> str | None:
    """None when ``text`` compiles on this Python 3, else ``line N: message``."""
    try:
        _compile(text, name)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except ValueError as error:  # NUL bytes and the like
        return str(error)
    return None


def _version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


# Default fixers whose pattern cannot match without one of these words in the source (the
# name leaves they test), and which no other default fixer writes, except fix_imports'
# urlparse/robotparser -> urllib.*: left out of the tool when the file has none of them.
# They are the fixers that cost most (fix_sorted's and fix_asserts' patterns are tried on
# every node); the others' matches are cheap. Same output over 2.7's Lib: see the tests.
def _fixer_words() -> dict[str, tuple[str, ...]]:
    from fissix.fixes import fix_asserts, fix_imports, fix_urllib

    to_urllib = tuple(old for old, new in fix_imports.MAPPING.items() if new.startswith("urllib"))
    return {
        "fissix.fixes.fix_asserts": tuple(fix_asserts.NAMES),
        "fissix.fixes.fix_next": ("next",),
        "fissix.fixes.fix_nonzero": ("__nonzero__",),
        "fissix.fixes.fix_sorted": ("sort",),
        "fissix.fixes.fix_urllib": (*fix_urllib.MAPPING, *to_urllib),
    }


# Between two tokens inside brackets: spaces, line breaks, a backslash's continuation, comments
# (each up to its line break: one way to read a run of them, whatever its #s).
_GAP = r"(?:\s|\\|#[^\r\n]*[\r\n])*"
# Of the word-gated fixers, two whose words are common in prose and names ("the next item",
# "sort order", next_token): the shape their pattern needs too, where a leaf of it is the word.
# fix_next changes only ``x.next`` (its other matches, a ``global next``, only warn) and a
# method ``def next``; fix_sorted only ``sorted(...)`` and ``x.sort(...)``.
_FIXER_SHAPES = {
    "fissix.fixes.fix_next": re.compile(rf"\.{_GAP}next\b|\bdef[\s\\]+next\b"),
    "fissix.fixes.fix_sorted": re.compile(rf"\.{_GAP}sort\b|\bsorted{_GAP}\("),
}


@lru_cache(maxsize=1)
def _default_fixers() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """fissix's default fixers in its order, each with the words it needs (() for any file)."""
    from fissix.refactor import get_fixers_from_package

    words = _fixer_words()
    return tuple((name, words.get(name, ())) for name in get_fixers_from_package("fissix.fixes"))


@functools.cache  # at most 2**5 tools, built once per process
def _refactoring_tool(fixers: tuple[str, ...] | None = None):
    """fissix's tool with ``fixers`` (default: all default fixers), in fissix's order; one
    with fewer fixers shares the full tool's fixer objects (their patterns, compiled once)."""
    from fissix.refactor import RefactoringTool

    if fixers is None:
        tool = RefactoringTool([name for name, _ in _default_fixers()])
        _match_where_it_can(tool)
        return tool
    full = _refactoring_tool()
    kept = set(fixers)

    class FewerFixers(RefactoringTool):
        def get_fixers(self):
            return [f for f in full.pre_order if type(f).__module__ in kept], [
                f for f in full.post_order if type(f).__module__ in kept
            ]

    return FewerFixers(list(fixers))


def _match_where_it_can(tool) -> None:
    """fix_asserts' and fix_sorted's patterns (not for fissix's bottom matcher) are tried on
    every ``power`` node of a file holding their words, where ``any+`` and ``any*`` make a
    failed match costly: a ``power`` without the child each pattern needs is answered no
    first, as the pattern would answer. About a seventh of 2to3's CPU over 2.7's Lib."""
    from fissix.fixes import fix_asserts

    needs = {
        # power< any+ trailer< '.' meth=(NAMES) > any* >
        "fissix.fixes.fix_asserts": lambda node: _has_attribute(node, fix_asserts.NAMES),
        # power< "sorted" trailer<...> any* > | power< any* ... trailer< "." "sort" > trailer<...> any* >
        "fissix.fixes.fix_sorted": lambda node: (
            getattr(node.children[0], "value", None) == "sorted" or _has_attribute(node, ("sort",))
        ),
    }
    for fixer in tool.pre_order + tool.post_order:
        need = needs.get(type(fixer).__module__)
        if need is not None:
            fixer.match = functools.partial(_match_if, need, fixer.match)


def _match_if(need, match, node):
    return need(node) and match(node)


def _has_attribute(node, names) -> bool:
    """A child ``.name`` (a trailer of two leaves) with ``name`` in ``names``."""
    from fissix.pygram import python_symbols

    trailer = python_symbols.trailer
    return any(
        child.type == trailer and len(child.children) == 2 and getattr(child.children[1], "value", None) in names
        for child in node.children
    )


def _tool_for(text: str):
    """The tool with every default fixer that could match something in ``text``."""
    fixers = tuple(name for name, words in _default_fixers() if not words or _may_match(name, words, text))
    return _refactoring_tool(fixers if len(fixers) < len(_default_fixers()) else None)


def _may_match(fixer: str, words: tuple[str, ...], text: str) -> bool:
    if not any(word in text for word in words):
        return False
    shape = _FIXER_SHAPES.get(fixer)
    return shape is None or shape.search(text) is not None


def two_to_three(text: str, name: str, tree=None) -> str:
    """fissix's default fixers over ``text``; ``tree``: fissix's parse of it, if already made."""
    from fissix.pgen2.parse import ParseError
    from fissix.refactor import _detect_future_features

    tool = _tool_for(text)
    ended = text if text.endswith("\n") or not text else text + "\n"
    features = _detect_future_features(ended) if tree is not None else None
    try:
        if tree is not None and text.endswith("\n") and "print_function" not in features:
            # what refactor_string does after its own parse, with the same grammar (print
            # statement: _python3_or_tree parses only when print_function is not imported)
            tree.future_features = features
            tool.refactor_tree(tree, name)
        else:
            tree = tool.refactor_string(ended, name)
    except (ParseError, SyntaxError, IndentationError) as error:
        raise MigrateError(f"2to3 (fissix) cannot parse it: {error}") from None
    result = str(tree)
    return result if text.endswith("\n") or not text else result[:-1]


# pyupgrade documents no Python API: its interface is its command, `pyupgrade` (the
# console script's entry point, loaded by name, never its private modules, so a release
# cannot break migrate silently). It runs in this process over one text at a time, given
# as standard input (the file name ``-``): it prints the result, exit status 1 when it differs.
PYUPGRADE_ARGUMENTS = ["--py39-plus"]

# One run of pyupgrade is not its fixed point: every rule of a run decides on the tree the run
# started from, so what one rule writes, another acts on only in the next run ('%s' % x ->
# '{}'.format(x) -> f'{x}'), and a rewrite can enable a rule on code it did not touch (a
# Python 2 branch removed takes a read of a loop variable with it: the next run makes the loop
# `yield from`). pyupgrade itself makes one run per call and says, by its exit status, that it
# changed the file; its fixed point is where a run changes nothing, so migrate runs it again
# until one does. Chains have no fixed length: str(str(str('%s'))) % (y,) takes five runs that
# change it (tests/fixer/test_migrate_pyupgrade.py). Guessing from the lines a run changed
# whether another could act missed the ways a rewrite enables a rule elsewhere; the run that
# confirms costs little, since it reads only the statements the run before touched
# (fixer.pyupgrade_again).
# Every rewrite makes the text newer Python, so the runs end; MOST_RUNS only guards against a
# pyupgrade whose rules undo each other: a text still changing after it is an error, named,
# never an output short of the fixed point. Over 2.7's Lib no text takes more than 3 runs (the
# last changing nothing).
MOST_RUNS = 32


@lru_cache(maxsize=1)
def _pyupgrade_command():
    from importlib.metadata import entry_points

    scripts = entry_points()
    # Python 3.9's entry_points() selects nothing itself: it returns a dict of groups
    if hasattr(scripts, "select"):
        group = scripts.select(group="console_scripts")
    else:
        group = scripts.get("console_scripts", ())
    found = [script for script in group if script.name == "pyupgrade"]
    if not found:
        raise MigrateError("pyupgrade is not installed (pip install pyupgrade)")
    return found[0].load()


def pyupgrade_py39(text: str) -> str:
    """``pyupgrade --py39-plus`` over ``text``, run again until a run changes nothing (its
    fixed point). A run after the first reads only the statements the run before it touched
    (fixer.pyupgrade_again)."""
    command = _pyupgrade_command()
    changed_from = None
    for _ in range(MOST_RUNS):
        new_text = _pyupgrade_run(command, text) if changed_from is None else _run_again(command, text, changed_from)
        if new_text == text:
            return text
        text, changed_from = new_text, text
    raise MigrateError(f"pyupgrade --py39-plus still changed it after {MOST_RUNS} runs (no fixed point)")


def _run_again(command, text: str, before: str) -> str:
    """What a run over ``text`` gives, ``before`` the run that made it: a run over the text
    with its untouched statements stood in for, those put back; where that cannot tell,
    a run over the whole text."""
    from threadport.fixer.pyupgrade_again import reduced, restored

    plan = reduced(text, before)
    if plan is not None:
        shorter, stand_ins = plan
        try:
            result = restored(_pyupgrade_run(command, shorter), stand_ins)
        except MigrateError:  # the whole run's own complaint, if it has one
            result = None
        if result is not None:
            return result
    return _pyupgrade_run(command, text)


def _pyupgrade_run(command, text: str) -> str:
    """One run of the command over ``text``: what it prints (the text, rewritten or not)."""
    said, printed = io.StringIO(), io.StringIO()
    status = _run_on_stdin(command, text.encode("utf-8"), printed, said)
    new_text = printed.getvalue()
    if status not in (0, 1) or (status == 1) == (new_text == text):
        complaint = (said.getvalue().strip().splitlines() or [f"exit status {status}"])[-1]
        raise MigrateError(f"pyupgrade --py39-plus failed: {complaint}")
    return new_text


class _Stdin:
    """What pyupgrade reads for the file name ``-``: ``sys.stdin.buffer``."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def _run_on_stdin(command, data: bytes, printed: io.StringIO, said: io.StringIO) -> int | str:
    """The command over ``-``, the source on its standard input (pyupgrade's since 1.20: the
    result printed, exit status 1 when it differs). A file in a temporary folder for each run,
    as before, cost about 3 ms a run of the 250 that 120 files of 2.7's Lib take."""
    stdin = sys.stdin
    sys.stdin = _Stdin(data)  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(said):
            return command([*PYUPGRADE_ARGUMENTS, "-"])
    except SystemExit as exit:
        if isinstance(exit.code, int) or exit.code is None:
            return exit.code or 0
        # sys.exit("message"), a console script's way to fail: status 1 in a shell, with
        # nothing printed, the same as "changed it to nothing"; a status of its own here
        # tells the two apart
        said.write(str(exit.code))
        return "failed"
    except Exception as error:  # noqa: BLE001 - its crash is this file's error, named
        said.write(f"{type(error).__name__}: {error}")
        return "crashed"
    finally:
        sys.stdin = stdin


def _before_pyupgrade(text: str, name: str, aggressive: bool, prefilter) -> str:
    """2to3's fixers (not for a file that is already Python 3), then threadport's rules;
    what they give must compile here, or the error says which did it."""
    python3, tree = _python3_or_tree(text)
    if not python3:
        text = normalise_tabs(two_to_three(text, name, tree))
    if prefilter is None or prefilter.search(text.encode("utf-8", "surrogatepass")):
        fixed = _fix(text, python3, aggressive)
        problem = compile_error(fixed, name)
    else:  # no rule can apply; but if it does not compile, fix's own complaint comes first
        fixed, problem = text, compile_error(text, name)
        if problem is not None:
            fixed = _fix(text, python3, aggressive)
            problem = compile_error(fixed, name)
    if problem is not None:
        stages = "threadport fix" if python3 else "2to3 and threadport fix"
        raise MigrateError(f"does not compile on Python {_version()} after {stages}: {problem}")
    return fixed


def _fix(text: str, python3: bool, aggressive: bool) -> str:
    try:
        return fix_text(text, rules(), aggressive)[0]
    except Exception as error:  # noqa: BLE001 - name the step that failed
        raise MigrateError(f"threadport fix{'' if python3 else ' after 2to3'}: {error}") from None


def before_pyupgrade(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    """The first two steps (2to3's fixers unless already Python 3, threadport's rules)."""
    return _before_pyupgrade(text, name, aggressive, None)


def _migrate_one(item: tuple[str, str], aggressive: bool, prefilter) -> str | MigrateError:
    """Every stage for one file (in a worker): a failure is returned, named, not raised.
    gc is off during the stages, then one collection of the young generation: every object
    the stages made and still alive is young then, and its cycles (2to3's trees: each node
    points at its parent) are freed there, once. With the collector on, pyupgrade's tokens
    and 2to3's nodes set off thousands of collections that traversed the survivors again
    (and, in the older generations, the tools and the modules): 5.4 s of 29 s of CPU over
    120 files of 2.7's Lib, serial, against 0.5 s."""
    with collector_paused(then_collect_young=True):
        return _stages(item, aggressive, prefilter)


def _stages(item: tuple[str, str], aggressive: bool, prefilter) -> str | MigrateError:
    text, name = item
    try:
        before = _before_pyupgrade(text, name, aggressive, prefilter)
        after = pyupgrade_py39(before)
        problem = None if after == before else compile_error(after, name)
    except MigrateError as error:
        return error
    if problem is not None:
        return MigrateError(f"does not compile on Python {_version()} after pyupgrade: {problem}")
    return after


# 2to3 and threadport's rules parse every file: sharing them with a forked helper pays off
# from a few files.
MIGRATE_POOL_MINIMUM = 8


def migrate_texts(items: list[tuple[str, str]], *, aggressive: bool = False) -> list[str | MigrateError]:
    """Each ``(text, name)`` migrated, a failure kept with its item, every stage of a file
    in one process, on every core: this process and a forked copy of itself per further
    core (forked.ForkedShare) pull the files one at a time. A helper only computes texts
    (this process writes them), so a helper that dies costs nothing but its files done
    again here.

    The files are taken largest first, so the run ends on small files: a few huge files at
    the end of the list would leave one core working alone (a file costs 10 ms to seconds).
    What the files share is made before the fork, once: pyupgrade's command, and 2to3's
    tool for each set of fixers the files need (its patterns, about 40 ms a set: made in
    each helper, the same set cost each process again).
    """
    from threadport.fixer import CODES
    from threadport.fixer.files import prefilter

    share = _share(len(items))
    if items:
        _pyupgrade_command()  # found once, before the helpers fork
    if share is not None:
        for text, _ in items:
            _tool_for(text)
    one = functools.partial(_migrate_one, aggressive=aggressive, prefilter=prefilter(CODES))
    order = sorted(range(len(items)), key=lambda i: -len(items[i][0]))
    ordered = [items[i] for i in order]
    done = share.map(one, ordered) if share is not None else [one(item) for item in ordered]
    results: list[str | MigrateError] = [""] * len(items)
    for i, result in zip(order, done):
        results[i] = result
    return results


def _share(items: int):
    """Forked helpers (one per core beyond this one) from MIGRATE_POOL_MINIMUM items, else None."""
    from threadport.fixer.files import forked_share

    return forked_share() if items >= MIGRATE_POOL_MINIMUM else None


def migrate_text(text: str, name: str = "<source>", *, aggressive: bool = False) -> str:
    (result,) = migrate_texts([(text, name)], aggressive=aggressive)
    if isinstance(result, MigrateError):
        raise result
    return result
