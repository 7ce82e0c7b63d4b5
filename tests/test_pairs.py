"""The proof: every entry point of every pair, legacy on Python 2.7 and modern on this
Python 3, compared as transcripts. Equivalent, or exactly the declared difference."""

from __future__ import annotations

import pytest

from threadport.catalog import load_catalog
from threadport.compare import DECLARED, EQUIVALENT, compare
from threadport.runner import DEFAULT_TIMEOUT, run_entry

CASES = [
    pytest.param(pair, entry, id=f"{pair.stem}::{entry.label}") for pair in load_catalog() for entry in pair.entries
]


@pytest.mark.legacy
@pytest.mark.parametrize(("pair", "entry"), CASES)
def test_pair_entry(legacy_python, modern_run, pair, entry):
    timeout = entry.timeout or DEFAULT_TIMEOUT
    legacy = run_entry(legacy_python, pair.legacy_path, entry.target(entry.legacy), entry.args, timeout=timeout)
    modern = modern_run(pair, entry)  # this Python 3, with the same timeout
    result = compare(pair, entry, legacy, modern)

    assert not legacy.timed_out and not modern.timed_out
    assert legacy.python.startswith("2.7.")
    assert result.verdict in (EQUIVALENT, DECLARED), [d.to_json() for d in result.differences]
    # A declared difference is asserted exactly: every declared field differs as declared.
    declared = {d.field for d in entry.declared}
    assert {d.field for d in result.differences} == declared
    assert all(d.declared for d in result.differences)
