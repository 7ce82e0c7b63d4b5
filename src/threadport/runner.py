"""Run one entry point of one source file in a fresh interpreter process -> Transcript.

Each half of a pair runs in its own process: Python 2 cannot run in-process
anyway, the symmetry keeps the comparison fair, and a thread that never ends
dies with its process. The process gets its own session, so a timeout kills
the whole tree and leaves no orphan behind.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from threadport.clock import CHILD_SCRIPT
from threadport.interpreters import Interpreter, probe

DEFAULT_TIMEOUT = 30.0


@dataclass
class Transcript:
    """What one run showed the world, as data."""

    python: str
    stdout: list[str]
    stderr: list[str]
    exit: int | None
    exception: dict | None = None  # {"type": ..., "message": ...} when one escaped the entry point
    seconds: float = 0.0
    timed_out: bool = False
    deadlock: bool = False  # virtual clock: every thread blocked, none with a deadline
    virtual_seconds: float | None = None
    clock: str = field(default="virtual")
    ended: str = ""  # how the run ended, in words ("exit status 0", "killed by SIGKILL", ...)
    leftover: list[str] = field(default_factory=list)  # processes it left behind, and what became of them

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Transcript:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", errors="backslashreplace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _child_environment() -> dict[str, str]:
    # PYTHON* variables of the caller (a tox env's PYTHONPATH, say) must not
    # leak into either half; a fixed hash seed makes set and dict order repeatable.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    return env


def _kill_tree(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_entry(
    python: Interpreter | str,
    source: Path | str,
    entry: str,
    args: tuple | list = (),
    *,
    real_time: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    warnings: tuple[str, ...] | list[str] = (),
) -> Transcript:
    """Call ``entry(*args)`` from ``source`` under ``python``; never edits the file."""
    known = python if isinstance(python, Interpreter) else None
    python = python.path if isinstance(python, Interpreter) else python
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(f"no source file {source}")
    with tempfile.TemporaryDirectory(prefix="threadport-") as scratch:
        result_file = Path(scratch) / "result.txt"
        command = [python, "-S", "-B", "-u"]  # -S: no site-packages (their .pth files cost ms)
        for spec in warnings:
            command += ["-W", spec]
        command += [
            str(CHILD_SCRIPT),
            str(result_file),
            str(source.resolve()),
            entry,
            json.dumps(list(args)),
            "real" if real_time else "virtual",
        ]
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=scratch,  # files a snippet writes land in a folder that is thrown away
            env=_child_environment(),
            start_new_session=True,
        )
        timed_out = False
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_tree(process)
            out, err = process.communicate()
        finally:
            # The main process may be gone while a grandchild it started lives on.
            _kill_tree(process)
        seconds = time.perf_counter() - started
        result = ast.literal_eval(result_file.read_text()) if result_file.exists() else {}

    if not result.get("python"):
        found = known or probe(python)
        result["python"] = found.version_string if found else "?"
    return Transcript(
        python=result["python"],
        stdout=_lines(out),
        stderr=_lines(err),
        exit=None if timed_out else process.returncode,
        exception=result.get("exception"),
        seconds=round(seconds, 4),
        timed_out=timed_out or bool(result.get("deadlock")),
        deadlock=bool(result.get("deadlock")),
        virtual_seconds=result.get("virtual_seconds"),
        clock="real" if real_time else "virtual",
    )
