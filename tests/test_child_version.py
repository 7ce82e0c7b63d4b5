"""The child names a free-threaded build as discovery does ("3.14.0t"), so its results land
in a column of their own; no such interpreter exists here, so the ABI flag is stood in for."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from threadport.clock import CHILD_SCRIPT
from threadport.results import minor

STAND_IN = """
import runpy, sys
sys.abiflags = {flags!r}
sys.argv = [{child!r}, {result!r}, {source!r}, "main", "[]", "real", "-"]
runpy.run_path({child!r}, run_name="__main__")
"""


@pytest.mark.parametrize(("flags", "suffix"), [("", ""), ("t", "t"), ("td", "t"), ("d", "")])
def test_the_child_marks_a_free_threaded_build(tmp_path, flags, suffix):
    source = tmp_path / "snippet.py"
    source.write_text("def main():\n    pass\n")
    result = tmp_path / "result.txt"
    script = STAND_IN.format(flags=flags, child=str(CHILD_SCRIPT), result=str(result), source=str(source))
    done = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    version = ast.literal_eval(result.read_text())["python"]
    expected = ".".join(map(str, sys.version_info[:3])) + suffix
    assert version == expected
    assert minor(version) == f"{sys.version_info[0]}.{sys.version_info[1]}{suffix}"
