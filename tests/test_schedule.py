"""When compare's runs happen: its fork servers start beside its own start-up, and the
pool hands its runs out so that no core waits while there is work (threadport.runs)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from threadport import forkserver
from threadport.cli import main

# Records what was imported when compare asked for each server, then stops: the servers'
# start is what runs beside the rest of compare's start-up (the catalogue, the run service).
ASKED_WHEN = """
import sys
from threadport import forkserver
from threadport.cli import main

LATER = ("threadport.catalog", "threadport.compare", "threadport.runs", "threadport.runner", "threadport.results")

def warm(python, real_time, *rest):
    print(python, real_time, *[name for name in LATER if name in sys.modules])
    if python == sys.argv[1]:  # the last one asked for
        raise SystemExit(0)

forkserver.warm = warm
main(["compare", "--json", "--legacy-python", sys.argv[1], "--python", sys.argv[2]])
"""


# Without --python the modern side is this interpreter, known without discovery: what compare
# had imported when it asked for its first server, then stops.
ASKED_FIRST = """
import sys
from threadport import forkserver
from threadport.cli import main

EARLY = ("json", "argparse", "threadport.catalog")  # the probe cache's, --jobs's, the pair names'

def warm(python, real_time, *rest):
    print(python, real_time, *[name for name in EARLY if name in sys.modules])
    raise SystemExit(0)

forkserver.warm = warm
main(["compare", "finalizer_switch", "--json", "--jobs", "2", "--legacy-python", sys.argv[1]])
"""


# Both sides named by a path (the benchmarks', tox's, the README's --legacy-python): what compare
# had imported when it asked for each server.
ASKED_BY_PATH = """
import sys
from threadport import forkserver
from threadport.cli import main

EARLY = ("threadport.interpreters", "json", "subprocess", "threadport.catalog")
asked = []

def warm(python, real_time, *rest):
    print(python, real_time, *[name for name in EARLY if name in sys.modules])
    asked.append(python)
    if len(asked) == int(sys.argv[2]):
        raise SystemExit(0)

forkserver.warm = warm
main(["compare", "finalizer_switch", "--json", "--jobs", "2", "--legacy-python", sys.argv[1]])
"""


@pytest.fixture
def no_idle_servers(monkeypatch):
    """This test's fork servers alone: the session's idle ones set aside, and back after."""
    monkeypatch.setattr(forkserver, "_idle", {})
    yield
    forkserver.close_all()


def test_compare_asks_for_both_servers_before_it_imports_the_catalogue_and_the_run_service(legacy_python):
    done = subprocess.run(
        [sys.executable, "-c", ASKED_WHEN, legacy_python, sys.executable], capture_output=True, text=True, check=True
    )
    # The modern side's first: its server takes the longer to start.
    assert done.stdout.splitlines() == [f"{sys.executable} False", f"{legacy_python} False"]


def test_this_interpreters_server_is_asked_for_before_the_legacy_side_is_looked_for(legacy_python):
    # Its start is the longer (3.11: about 30 ms to be ready); discovery (the probe cache, in
    # JSON), the pair names (the catalogue) and the rest of compare's start-up run beside it.
    done = subprocess.run(
        [sys.executable, "-c", ASKED_FIRST, legacy_python], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [f"{sys.executable} False"]


def test_servers_named_by_a_path_are_asked_for_before_discovery_and_subprocess_are_imported(legacy_python):
    # Discovery's module (functools, collections), the probe cache's JSON and subprocess (with
    # locale, re, signal, selectors: forkserver starts its servers with os.posix_spawn) run
    # beside both servers' start, not before it.
    done = subprocess.run(
        [sys.executable, "-c", ASKED_BY_PATH, legacy_python, "2"], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [f"{sys.executable} False", f"{legacy_python} False"]


@pytest.mark.parametrize("spec", ["2.7", "python2.7"])
def test_a_legacy_side_named_by_version_or_command_is_asked_for_once_chosen(legacy_python, spec, monkeypatch):
    # Its path is discovery's to give: no server starts for a guess.
    monkeypatch.setenv("PATH", os.path.dirname(legacy_python) + os.pathsep + os.environ["PATH"])
    done = subprocess.run([sys.executable, "-c", ASKED_BY_PATH, spec, "3"], capture_output=True, text=True, check=True)
    first, again, legacy = (line.split() for line in done.stdout.splitlines())
    assert first == [sys.executable, "False"]  # this interpreter's, before anything else
    assert again[:2] == first and "threadport.interpreters" in again  # start_servers: modern, then legacy
    assert os.path.dirname(legacy[0]) == os.path.dirname(legacy_python) and "threadport.interpreters" in legacy


def test_a_compare_runs_on_the_servers_it_started_early_and_starts_no_other(
    legacy_python, no_idle_servers, monkeypatch, capsys
):
    made = []
    init = forkserver.ForkServer.__init__

    def recorded(server, python, mode, warnings, environment, *, wait=True):
        made.append((python, mode, wait))
        init(server, python, mode, warnings, environment, wait=wait)

    monkeypatch.setattr(forkserver.ForkServer, "__init__", recorded)
    assert main(["compare", "finalizer_switch", "--json", "--jobs", "2", "--legacy-python", legacy_python]) == 0
    assert '"verdict": "equivalent"' in capsys.readouterr().out
    # Both started without waiting for them (warm), and the two runs leased exactly those.
    assert made == [(sys.executable, "virtual", False), (legacy_python, "virtual", False)]
    assert sorted(len(idle) for idle in forkserver._idle.values()) == [1, 1]


def test_a_real_time_compare_starts_its_real_time_servers_early(legacy_python, no_idle_servers, monkeypatch):
    warmed = []
    monkeypatch.setattr(forkserver, "warm", lambda python, real_time, *rest: warmed.append((python, real_time)))
    monkeypatch.setattr("threadport.compare.run_and_compare", lambda *args, **options: [])
    assert main(["compare", "--real-time", "--json", "--legacy-python", legacy_python]) == 0
    # Both named by a path: asked for first, then again once chosen (warm: a no-op then).
    assert warmed == [(sys.executable, True), (legacy_python, True)] * 2


def test_no_server_starts_early_where_runs_are_fresh_processes(no_idle_servers, monkeypatch):
    monkeypatch.setenv(forkserver.FRESH_RUNS_ENV, "1")
    forkserver.warm(sys.executable, False)
    assert forkserver._idle == {}


def test_a_server_started_early_is_not_started_twice(no_idle_servers):
    forkserver.warm(sys.executable, False)
    forkserver.warm(sys.executable, False)
    assert [len(idle) for idle in forkserver._idle.values()] == [1]


def test_a_server_started_early_that_never_gets_ready_is_closed_by_the_lease_that_takes_it(no_idle_servers, tmp_path):
    # The run then goes to a fresh process (runner.run_entry), which says what is wrong.
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    forkserver.warm(str(broken), False)
    [[server]] = forkserver._idle.values()
    with pytest.raises(forkserver.ServerFailed):
        with forkserver.lease(str(broken), "virtual", (), forkserver.child_environment()):
            pass
    assert not any(forkserver._idle.values()) and server.process.returncode == 3


def test_at_exit_every_idle_server_is_told_to_end_before_any_is_waited_for(no_idle_servers, monkeypatch):
    # They end side by side (a 3.x server's end is a few ms), not one after another.
    forkserver.warm(sys.executable, False)
    forkserver.warm(sys.executable, True)
    servers = [server for idle in forkserver._idle.values() for server in idle]
    open_when_waited = []
    for server in servers:
        server.ready()  # as after their runs
        wait = server.process.wait

        def recorded(timeout=None, wait=wait):
            open_when_waited.append([other.requests for other in servers if other.requests >= 0])
            return wait(timeout)

        monkeypatch.setattr(server.process, "wait", recorded)
    forkserver.close_all()
    assert open_when_waited == [[], []]
    assert all(server.process.returncode == 0 for server in servers)


def test_compare_reads_the_legacy_variable_discovery_reads():
    from threadport import interpreters
    from threadport.commands import compare

    assert compare.LEGACY_ENV == interpreters.LEGACY_ENV
