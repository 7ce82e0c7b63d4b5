"""What the seed's camelCase Thread API does on each Python: fine on 2.7, warns, then breaks.

Each interpreter found runs a probe under ``-W error::DeprecationWarning``, the
way many test suites run: ``isAlive`` warns on 3.8 and is gone from 3.9 on; the
other camelCase names emit a DeprecationWarning from 3.10 on (an error under that flag).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from threadport.catalog import get_pair
from threadport.interpreters import python3s
from threadport.runner import run_entry

PROBE = Path(__file__).with_name("old_names.py")
NAMES = ("isAlive", "getName", "setName", "isDaemon", "setDaemon", "currentThread", "activeCount", "isSet", "notifyAll")
PYTHON3S = python3s()


def expected(name: str, version: tuple[int, ...]) -> str:
    """The documented fate of each old name (bpo-35283, bpo-37804, bpo-43723)."""
    if name == "isAlive":
        if version >= (3, 9):
            return "AttributeError"
        return "DeprecationWarning" if version[:2] == (3, 8) else "ok"
    return "DeprecationWarning" if version >= (3, 10) else "ok"


def probe(python: str) -> list[str]:
    transcript = run_entry(python, PROBE, "call_each", NAMES, real_time=True, warnings=("error::DeprecationWarning",))
    assert transcript.exit == 0 and transcript.exception is None, transcript.stderr
    return transcript.stdout


@pytest.mark.legacy
@pytest.mark.interpreter_free(
    "the probe runs on python2.7 (as each Python 3's below, every_python): pytest's Python only reads its lines"
)
def test_every_old_name_works_on_python27(legacy_python):
    assert probe(legacy_python) == [f"{name}: ok" for name in NAMES]


@pytest.mark.parametrize("python", PYTHON3S, ids=[p.version_string for p in PYTHON3S])
def test_old_names_on_python3_warn_from_310_and_isalive_is_gone_from_39(python):
    assert probe(python.path) == [f"{name}: {expected(name, python.version)}" for name in NAMES]


@pytest.mark.parametrize(
    ("minor", "name", "outcome"),
    [(8, "isAlive", "DeprecationWarning"), (9, "isAlive", "AttributeError"), (10, "getName", "DeprecationWarning")],
)
def test_the_release_that_changed_each_name(minor, name, outcome, python3):
    found = python3(minor)
    previous = [p for p in PYTHON3S if p.version[:2] == (3, minor - 1)]
    assert f"{name}: {outcome}" in probe(found.path)
    if previous:  # and the release before did not do it yet
        assert f"{name}: {outcome}" not in probe(previous[0].path)


@pytest.mark.parametrize("entry", [e.modern for e in get_pair("thread_api").entries])
def test_modern_tour_uses_no_deprecated_name(entry):
    import sys

    pair = get_pair("thread_api")
    transcript = run_entry(sys.executable, pair.modern_path, entry, warnings=("error::DeprecationWarning",))
    assert transcript.exception is None and transcript.exit == 0, transcript.stderr
