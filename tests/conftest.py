"""Shared fixtures: the legacy interpreter, required in CI, skipped with a reason elsewhere."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from availability import unavailable
from scratch import scratch_in_memory

from threadport.interpreters import Interpreter, InterpreterNotFound, find_legacy, python3s

# The young generation's threshold for the session (CPython's default: 700 allocations, 2000
# on 3.13). A session keeps its modules, test items and the fixtures' parsed corpora alive,
# and at 700 the collector made 2,700-3,200 young and 22-26 full passes over them: 3.8-4.4 s
# of CPU of a py3X env (3.11, 3.9; timed through gc.callbacks). At 10,000 it makes 240-350 and
# 6-7, for 2.1-2.4 s (50,000 saved nothing more). The same cycles are collected, later:
# nothing here waits for an automatic pass (the tests about the collector set it themselves:
# test_migrate_speedups, test_check_garbage). A child forked from pytest (a pool's worker)
# inherits it; a fresh interpreter (a fork server, the CLI run as a command, a run) keeps its
# own default.
SESSION_GC_THRESHOLD = 10_000


def pytest_configure(config):
    # The session's temporary files in memory where there is room (scratch.py says why).
    scratch = scratch_in_memory()
    if scratch is not None:
        os.environ["TMPDIR"] = scratch
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again (pytest's tmp_path included)
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], SESSION_GC_THRESHOLD), *threshold[1:])
    config.addinivalue_line(
        "markers",
        "interpreter_free(reason, half=None): what the test checks cannot depend on the Python running"
        " pytest (the reason says why): conftest marks it every_python, so CI runs it once, not in each"
        " env of the matrix; with half='legacy', only its any_python case on 2.7",
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    # What collection made (the modules, their tables, the test items) lives as long as the
    # session: frozen (gc.freeze), the collector's full passes, and the gc.collect() calls of
    # the tests about the collector and of pytest's own clean-up, no longer walk it again and
    # again, nor does a pool's forked worker touch (and so copy) its pages. Collected first,
    # so that no garbage is frozen: every cycle made later is collected as before.
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items):
    # A test parametrized over discovery's interpreters spans them all by itself: one env of
    # tox runs it (every-python, on 3.11), not each env of the matrix (the same runs five times over).
    # So does a test marked interpreter_free, whose subject the Python running pytest cannot change.
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(isinstance(value, Interpreter) for value in params.values()):
            item.add_marker(pytest.mark.every_python)
        free = item.get_closest_marker("interpreter_free")
        if free is not None:
            if not (free.args or free.kwargs.get("reason")):
                raise pytest.UsageError(f"{item.nodeid}: interpreter_free needs its reason")
            half = free.kwargs.get("half")
            if half is None or params.get("any_python") == half:
                item.add_marker(pytest.mark.every_python)


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    # pytest names the running test in PYTEST_CURRENT_TEST, a new value for every test, and a
    # run's child gets the caller's environment, so the fork servers (kept per interpreter,
    # clock mode, -W flags and environment: forkserver.lease) served one test each: every test
    # that ran an entry point paid an interpreter start, its imports and the clock's set-up
    # per interpreter again, more than a fresh run costs. Out of the environment while the
    # test function runs, the servers serve the whole session, as they serve a whole
    # `threadport compare`; forked and fresh runs still get one and the same environment.
    name = os.environ.pop("PYTEST_CURRENT_TEST", None)
    yield
    if name is not None:
        os.environ["PYTEST_CURRENT_TEST"] = name


@pytest.fixture(scope="session")
def legacy_python() -> str:
    """Path of a working Python 2.7; a missing one fails when THREADPORT_REQUIRE_LEGACY=1."""
    try:
        return find_legacy().path
    except InterpreterNotFound as error:
        unavailable(f"the legacy half needs Python 2.7: {error}", "THREADPORT_REQUIRE_LEGACY")


@pytest.fixture(scope="session")
def python3():
    """``python3(minor)``: that Python 3 from discovery; missing fails under THREADPORT_REQUIRE_PYTHONS=1."""
    found = {p.version[:2]: p for p in python3s()}

    def get(minor: int):
        if (3, minor) in found:
            return found[(3, minor)]
        # CI has every Python 3 from 3.6 on; a GitHub job or a laptop may have one.
        unavailable(
            f"Python 3.{minor} not found: `pyenv install 3.{minor}` or `uv python install 3.{minor}`",
            "THREADPORT_REQUIRE_PYTHONS",
        )

    return get


@pytest.fixture(scope="session")
def modern_run():
    """``modern_run(pair, entry)``: the entry's modern half on the Python 3 under test, with the
    entry's timeout (the catalogue's, else runner.DEFAULT_TIMEOUT), run once for the session.
    test_pairs holds it against the legacy half on 2.7, test_migrate against the migrated
    legacy file: the same run, which nothing changes (compare only reads transcripts)."""
    from threadport.runner import DEFAULT_TIMEOUT, run_entry

    runs: dict[tuple, object] = {}

    def run(pair, entry):
        target, timeout = entry.target(entry.modern), entry.timeout or DEFAULT_TIMEOUT
        key = (str(pair.modern_path), target, repr(entry.args), timeout)
        if key not in runs:
            runs[key] = run_entry(sys.executable, pair.modern_path, target, entry.args, timeout=timeout)
        return runs[key]

    return run


@pytest.fixture(params=["legacy", "modern"])
def any_python(request) -> str:
    """Each test using this runs once on Python 2.7 and once on the Python 3 under test."""
    if request.param == "legacy":
        return request.getfixturevalue("legacy_python")
    return sys.executable


@pytest.fixture
def snippet(tmp_path: Path):
    """Write a small source file (common 2/3 subset) and return its path."""

    def write(source: str, name: str = "snippet.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return path

    return write
