"""A warm start for the mutation checks: pytest imported once, one fork per check.

Each pytest check of the mutation table is ``python -m pytest ARGS`` in a copy of the
repository, and importing pytest is about half of such a check's CPU time (0.3 s of
0.6-0.7 s), the same in each of the ~60 checks. This server imports pytest once (pytest
only: threadport, the conftest and the test files come from each copy, so nothing of the
repository is imported here, which the child checks; pytest's built-in plugins too), then forks a child per request. The
child becomes what ``python -m pytest ARGS`` started in the copy's folder with the copy's
environment is: that folder first on sys.path, then PYTHONPATH's entries, the same argv,
environment, stdin (/dev/null) and output, a session of its own; it ends through the
interpreter's normal shutdown (threads joined, atexit handlers run), as a fresh process does.

Protocol, one line each way (the server is single-threaded and serves one check at a time):
    request  {"argv": [...], "cwd": ..., "env": {...}, "output": FILE}   (JSON)
    replies  "pid PID" once forked, "status CODE" once the child has ended
"""

from __future__ import annotations

import importlib
import json
import os
import sys

import pytest  # the point of the server: imported once, before any fork
from _pytest.config import default_plugins

# and pytest's own plugins, which pytest.main() imports (unittest, junitxml, debugging, ...)
for _name in default_plugins:
    importlib.import_module(f"_pytest.{_name}")

NOT_HERE = ("threadport", "conftest", "availability")  # must come from the copy
HARNESS = 4  # exit status of a child that could not become the check: neither pass nor fail


def become_check(request: dict) -> int:
    """In the forked child: turn into `python -m pytest ARGV` run in the copy, return its status."""
    os.setsid()
    stdin = os.open(os.devnull, os.O_RDONLY)
    output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(stdin, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(stdin)
    os.close(output)
    loaded = [m for m in sys.modules if m.split(".")[0] in NOT_HERE]
    if loaded:
        print(f"warm_pytest: {loaded} already imported in the server", file=sys.stderr)
        return HARNESS
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # what a fresh interpreter reads from PYTHONDONTWRITEBYTECODE at its start (the server's own
    # start read the server's environment)
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    # `python -m` puts the working folder first, then PYTHONPATH's entries, then the rest
    extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:1] = [os.getcwd(), *extra]
    sys.argv = [os.path.join(os.path.dirname(pytest.__file__), "__main__.py"), *request["argv"]]
    return pytest.console_main()


def serve() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                return become_check(request)
            except SystemExit:  # the check's own exit: the interpreter ends with its status
                raise
            except BaseException as error:  # noqa: BLE001 - reported as a harness error
                print(f"warm_pytest: {error!r}", file=sys.stderr)
                return HARNESS
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"status {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
