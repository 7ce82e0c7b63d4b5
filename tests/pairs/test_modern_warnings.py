"""Every modern twin runs clean under -W error::DeprecationWarning on this Python 3:
no camelCase alias, no deprecated API left behind by the migration."""

from __future__ import annotations

import sys

import pytest

from threadport.catalog import load_catalog
from threadport.runner import run_entry

CASES = [
    pytest.param(pair, entry, id=f"{pair.stem}::{entry.modern}") for pair in load_catalog() for entry in pair.entries
]


@pytest.mark.parametrize(("pair", "entry"), CASES)
def test_modern_entry_runs_with_deprecations_as_errors(pair, entry):
    transcript = run_entry(
        sys.executable,
        pair.modern_path,
        entry.target(entry.modern),
        entry.args,
        warnings=("error::DeprecationWarning",),
    )
    assert not transcript.timed_out
    assert transcript.exception is None and transcript.exit == 0, transcript.stderr
    assert not [line for line in transcript.stderr if "Warning" in line]
