"""The benchmarks' own helpers (benchmarks/child_timing.py): what they count is what they say."""

import shutil
import sys
from pathlib import Path

import pytest
from availability import unavailable

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from child_timing import instructions  # noqa: E402 - the benchmarks' folder is not a package

# A shell (a few hundred thousand instructions) that starts a program which does tens of
# millions: bench_fix counts check and fix with every process of theirs.
STARTS_ONE = "awk 'BEGIN { for (i = 0; i < 300000; i++) total += i; print total }'"


# valgrind counting a shell and awk: 1.6 s of CPU that no Python version changes, once in CI.
@pytest.mark.interpreter_free("valgrind counts sh and awk; the Python running pytest only starts it")
def test_instructions_count_the_programs_a_command_starts_only_when_asked():
    if shutil.which("valgrind") is None:  # the benchmarks' --instructions need it; CI's machines have it
        unavailable(
            "valgrind is not installed (apt-get install valgrind): nothing counts instructions",
            "THREADPORT_REQUIRE_VALGRIND",
        )
    command = ["sh", "-c", STARTS_ONE]
    own = instructions(command)
    every = instructions(command, children=True)
    assert own is not None and every is not None
    assert every - own > 30_000_000  # the awk program it starts: its loop
    assert own < every / 10
