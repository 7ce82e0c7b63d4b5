"""Python 3.14 and its free-threaded build: found on PATH as python3.14 / python3.14t.

This machine has neither (GitHub's workflow has both rows), so discovery is tested
with stand-ins on PATH, and the real rows say plainly when they were not run here.
"""

from __future__ import annotations

import os
import shutil

import pytest
from availability import unavailable

from threadport.interpreters import PROBE, probe, python3s, resolve
from threadport.matrix import _version_key
from threadport.results import minor


def stand_in(folder, name: str, free_threaded: bool) -> str:
    """An executable that answers discovery's question the way a 3.14.0 build would."""
    path = folder / name
    answer = f"3 14 0 {int(free_threaded)}"
    # it answers PROBE only: anything else is refused, as a stale stand-in should be
    path.write_text(f'#!/bin/sh\n[ "$1" = -c ] && [ "$2" = "{PROBE}" ] && echo "{answer}" && exit 0\nexit 9\n')
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def pythons_314_on_path(tmp_path, monkeypatch):
    probe.cache_clear()
    paths = {name: stand_in(tmp_path, name, name.endswith("t")) for name in ("python3.14", "python3.14t")}
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    yield paths
    probe.cache_clear()


def test_discovery_finds_python3_14_and_its_free_threaded_build_on_path(pythons_314_on_path):
    found = {p.minor: p for p in python3s()}
    assert found["3.14"].path == pythons_314_on_path["python3.14"]
    assert found["3.14t"].path == pythons_314_on_path["python3.14t"]
    assert (found["3.14"].free_threaded, found["3.14t"].free_threaded) == (False, True)
    assert (found["3.14"].version_string, found["3.14t"].version_string) == ("3.14.0", "3.14.0t")
    minors = [p.minor for p in python3s()]
    assert minors.index("3.14t") == minors.index("3.14") + 1  # oldest first, the GIL build first
    assert resolve("3.14t").path == pythons_314_on_path["python3.14t"]
    assert resolve("3.14").path == pythons_314_on_path["python3.14"]


def test_a_free_threaded_row_is_a_column_of_its_own():
    assert (minor("3.14.0"), minor("3.14.0t"), minor("3.9.18")) == ("3.14", "3.14t", "3.9")
    assert sorted(["3.14t", "3.9", "3.14", "3.10", "3.13"], key=_version_key) == [
        "3.9",
        "3.10",
        "3.13",
        "3.14",
        "3.14t",
    ]


@pytest.mark.parametrize("name", ["python3.14", "python3.14t"])
def test_the_real_3_14_rows(name):
    exe = shutil.which(name)
    if exe is None:
        unavailable(
            f"the {name} row was not run here: no {name} on PATH (GitHub's workflow runs it)",
            "THREADPORT_REQUIRE_PYTHON314",
        )
    found = probe(exe)
    assert found is not None and found.version[:2] == (3, 14)
    assert found.free_threaded == name.endswith("t")
    assert found in python3s()
