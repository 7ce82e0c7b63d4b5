"""`threadport migrate` on every legacy/ file of the catalogue, run against its modern twin.

The migrated file runs its legacy entry point on this Python 3, the modern twin its
modern one; the transcripts must be equivalent,
or differ exactly as listed in MIGRATION_DIFFERENCES with the reason.
"""

from __future__ import annotations

import ast
import sys

import pytest

from threadport.catalog import load_catalog
from threadport.cli import main
from threadport.compare import compare
from threadport.runner import DEFAULT_TIMEOUT, run_entry

# (pair stem, legacy entry) -> {transcript field: why the migrated code legitimately differs}
MIGRATION_DIFFERENCES: dict[tuple[str, str], dict[str, str]] = {
    ("daemon_exit", "demo"): {
        "stdout": "the demo prints the lines of a child process's output (Popen(stdout=PIPE)."
        "communicate()); on Python 3 that output is bytes, so print() shows b'...' reprs. 2to3 "
        "cannot know what a pipe yields: the modern twin passes text=True, a change a human makes.",
    },
    ("atomic_ops", "demo"): {
        "stdout": "the legacy harness forces thread switches by rebuilding each operation's code "
        "object with one line number per bytecode (Python 2's co_code and co_lnotab layout, "
        "types.CodeType's Python 2 signature); no migration can port that, so the migrated "
        "harness fails in every round (0 switches), which its own table shows. The modern "
        "twin uses opcode trace events (f_trace_opcodes, 3.7+) instead.",
    },
}

ENTRIES = [
    pytest.param(pair, entry, id=f"{pair.stem}:{entry.legacy}") for pair in load_catalog() for entry in pair.entries
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """Every legacy file migrated once, into a scratch folder (the sources are never touched)."""
    output = tmp_path_factory.mktemp("migrated")
    legacy = [str(pair.legacy_path) for pair in load_catalog()]
    before = {path: open(path, "rb").read() for path in legacy}
    # --aggressive: migrated code targets 3.9+, where .isAlive() fails on any receiver
    assert main(["migrate", "--aggressive", "--output-dir", str(output), *legacy]) == 0
    assert {path: open(path, "rb").read() for path in legacy} == before
    return output


def test_every_legacy_file_becomes_python3(migrated):
    for pair in load_catalog():
        text = (migrated / pair.legacy_path.name).read_text(encoding="utf-8")
        ast.parse(text)  # Python 3 now
        for alias in ("isAlive(", "setDaemon(", "getName(", "currentThread(", "notifyAll(", "isSet("):
            code = "\n".join(line.split("#")[0] for line in text.splitlines())
            assert alias not in code, f"{pair.stem}: {alias} survived the migration"


@pytest.mark.parametrize(("pair", "entry"), ENTRIES)
def test_migrated_runs_like_the_modern_twin(migrated, modern_run, pair, entry):
    timeout = entry.timeout or DEFAULT_TIMEOUT
    migrated_file = migrated / pair.legacy_path.name
    ours = run_entry(sys.executable, migrated_file, entry.target(entry.legacy), entry.args, timeout=timeout)
    twin = modern_run(pair, entry)  # this Python 3, with the same timeout (test_pairs compares it too)
    # The catalogue's declared differences (the twin deliberately behaving better) hold
    # for the migrated code too: it does what the legacy code did, now on Python 3.
    result = compare(pair, entry, ours, twin)
    allowed = MIGRATION_DIFFERENCES.get((pair.stem, entry.legacy), {})
    unexplained = [d for d in result.differences if not d.declared and d.field not in allowed]
    assert not unexplained, [d.to_json() for d in unexplained]
