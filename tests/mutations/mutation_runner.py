"""Apply a mutation to a temporary copy of the repository and run the checks that must catch it.

    python tests/mutations/mutation_runner.py             # every mutation: caught by what, or SURVIVED
    python tests/mutations/mutation_runner.py --all-checks clock   # run every check, mutations whose name has "clock"

The copy holds what the checks read (src/, legacy/, modern/, tests/, pyproject.toml);
the checks import ``threadport`` from the copy's src/ (PYTHONPATH) and find the
showcase there (THREADPORT_HOME), so the installed package and the real files
are never involved. Runs go two at a time (CI has two cores).
"""

from __future__ import annotations

import compileall
import hashlib
import json
import os
import queue
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).parent))
from mutation_table import MUTATIONS, PYTHON, Check, Mutation  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
COPIED = ("src", "legacy", "modern", "tests", "pyproject.toml")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "mutations", "browser")
JOBS = 2
CHECK_TIMEOUT = 300  # seconds; the runner's own per-run limit is 30 s, so this is a hang
PASSED, FAILED = 0, 1  # exit status of pytest and threadport: anything else is a broken harness


class HarnessError(Exception):
    """A check could not say pass or fail (usage error, not found, timeout): not a catch."""


def copy_repository(target: Path) -> Path:
    """The pristine copy, its Python files compiled once: every copy shares these .pyc files
    (share_pristine), so no check compiles what no mutation changed (apply() drops the changed
    file's own .pyc). Nothing runs in the pristine copy itself but warm_up()."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=LEFT_OUT)
        else:
            shutil.copy2(source, target / name)
    for name in ("src", "tests", "modern"):
        compileall.compile_dir(target / name, quiet=2)
    return target


def check_environment(root: Path) -> dict[str, str]:
    """The environment of a check run in the copy ``root``: threadport from the copy's src/, the
    showcase from the copy. Bytecode is written, as a plain `python -m pytest` writes it: into the
    copy's own __pycache__ folders (a new file put in place, never a write into the file it
    replaces, which may be shared with the pristine copy) and into the installed packages, so the
    installed modules a check imports (fissix, tokenize-rt ...) are compiled once, not in each check."""
    env = dict(os.environ, PYTHONPATH=str(root / "src"), THREADPORT_HOME=str(root))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pytest_files(mutations: list[Mutation]) -> list[str]:
    """The test files the mutations' pytest checks name, each once, in table order."""
    return list(
        dict.fromkeys(
            arg.split("::")[0]
            for mutation in mutations
            for check in mutation.checks
            if check.argv[0] == "pytest"
            for arg in check.argv[1:]
            if not arg.startswith("-") and "no:" not in arg
        )
    )


def warm_up(pristine: Path, mutations: list[Mutation]) -> None:
    """Collect the checks' test files once in the pristine copy, before any copy is made of it:
    pytest writes its assert-rewritten modules (the test files and the conftest files) there,
    which every copy then shares, instead of each check rewriting them again (about a tenth of a
    small check's CPU time). A collection error is no catch: the baseline shows it as a failure."""
    files = pytest_files(mutations)
    if files:
        subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
            cwd=pristine,
            env=check_environment(pristine),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=CHECK_TIMEOUT,
        )


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links there
        shutil.copy2(source, target)


def share_pristine(pristine: Path, root: Path) -> Path:
    """A mutation's copy of the pristine copy whose files are hard links to it: no bytes copied
    (a copy of 4 MB in 200 files per mutation was a fifth of the suite's CPU time). apply()
    replaces the one file it changes; pristine_digest() proves no check wrote into the others."""
    shutil.copytree(pristine, root, copy_function=link_or_copy)
    return root


def pristine_digest(pristine: Path) -> dict[str, str]:
    return {
        str(path.relative_to(pristine)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(pristine.rglob("*"))
        if path.is_file()
    }


def apply(mutation: Mutation, root: Path) -> None:
    """Replace ``old`` by ``new`` in the copy; ``old`` must occur exactly once. The changed text
    goes to a new file put in the old one's place: the old one is shared with the pristine copy."""
    path = root / mutation.path
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.old)
    if found != 1:
        raise HarnessError(
            f"{mutation.name}: the text to replace occurs {found} times in {mutation.path} (expected once): "
            "the source has changed, update the mutation"
        )
    mutated = path.with_name(path.name + ".mutated")
    mutated.write_bytes(text.replace(mutation.old, mutation.new).encode("utf-8"))
    shutil.copymode(path, mutated)
    os.replace(mutated, path)
    for compiled in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        compiled.unlink()  # compiled from the pristine text: never to be taken for the mutated one


@dataclass
class Outcome:
    check: Check
    status: int
    output: str
    seconds: float

    @property
    def tail(self) -> str:
        return "\n".join(self.output.strip().splitlines()[-15:])


class WarmPytest:
    """A warm_pytest.py server: `python -m pytest ...` checks forked from a process that has
    imported pytest once, instead of a fresh interpreter importing it for each check."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("warm_pytest.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.buffer = b""

    def _line(self, deadline: float) -> str | None:
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise HarnessError("the warm pytest server ended")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], output: Path, label: str) -> int:
        request = {"argv": argv, "cwd": str(cwd), "env": env, "output": str(output)}
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + CHECK_TIMEOUT
        forked = self._line(deadline)
        if forked is None:
            raise HarnessError(f"{label}: the warm pytest server did not fork in {CHECK_TIMEOUT} s")
        pid = int(forked.split()[1])
        status = self._line(deadline)
        if status is None:
            os.killpg(pid, signal.SIGKILL)  # the check is a session of its own
            self._line(time.monotonic() + CHECK_TIMEOUT)
            raise HarnessError(f"{label}: no answer in {CHECK_TIMEOUT} s")
        return int(status.split()[1])

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


_SERVERS: queue.Queue[WarmPytest] | None = None


@contextmanager
def warm_servers(count: int):
    """``count`` warm pytest servers for run_check while the block runs (one per lane)."""
    global _SERVERS
    servers = [WarmPytest() for _ in range(count)]
    _SERVERS = queue.Queue()
    for server in servers:
        _SERVERS.put(server)
    try:
        yield
    finally:
        _SERVERS = None
        for server in servers:
            server.close()


def run_check(check: Check, root: Path) -> Outcome:
    argv = [sys.executable if a == PYTHON else a for a in check.argv]
    env = check_environment(root)
    started = time.perf_counter()
    if argv[0] == "pytest" and _SERVERS is not None:
        server = _SERVERS.get()
        output = root.parent / f"check-{os.getpid()}-{id(check)}-{time.monotonic_ns()}.out"
        try:
            status = server.run(argv[1:], root, env, output, check.label)
        finally:
            _SERVERS.put(server)
        text = output.read_text(encoding="utf-8", errors="replace")
        output.unlink()
        outcome = Outcome(check, status, text, time.perf_counter() - started)
        if outcome.status not in (PASSED, FAILED):
            raise HarnessError(f"{check.label}: exit status {outcome.status}, neither pass nor fail:\n{outcome.tail}")
        return outcome
    try:
        done = subprocess.run(
            [sys.executable, "-m", *argv],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise HarnessError(f"{check.label}: no answer in {CHECK_TIMEOUT} s") from None
    outcome = Outcome(check, done.returncode, done.stdout + done.stderr, time.perf_counter() - started)
    if outcome.status not in (PASSED, FAILED):
        raise HarnessError(f"{check.label}: exit status {outcome.status}, neither pass nor fail:\n{outcome.tail}")
    return outcome


LEFT_GRACE = 10.0  # seconds for what a check started to end on its own (a server reading EOF)


def running_from(root: Path) -> list[int]:
    """The processes whose command line names a file in ``root`` (a fork server of the copy,
    or what a run forked from one: its command line is the server's)."""
    mark = os.fsencode(str(root) + os.sep)
    found = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if name.isdigit() and int(name) != os.getpid():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as handle:
                    if mark in handle.read():
                        found.append(int(name))
            except OSError:
                pass
    return found


def end_left_running(root: Path) -> list[str]:
    """Kill what the checks in ``root`` left running, once LEFT_GRACE has passed: one line each.
    A check that leaves a process (a test that failed before it could end its own) would
    keep it past the whole run, unseen."""
    deadline = time.monotonic() + LEFT_GRACE
    while (left := running_from(root)) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling a condition with a deadline
    lines = []
    for pid in left:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue  # ended meanwhile
        lines.append(f"pid {pid}: {command}")
    return lines


@dataclass
class Verdict:
    mutation: Mutation
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def caught_by(self) -> Check | None:
        return next((o.check for o in self.outcomes if o.status == FAILED), None)

    @property
    def caught(self) -> bool:
        return self.caught_by is not None


def mutate_and_check(mutation: Mutation, workdir: Path, pristine: Path, *, all_checks: bool = False) -> Verdict:
    """Copy, mutate, run the checks in order (all of them with ``all_checks``) until one fails."""
    started = time.perf_counter()
    root = share_pristine(pristine, workdir / "copy")
    apply(mutation, root)
    verdict = Verdict(mutation)
    for check in mutation.checks:
        verdict.outcomes.append(run_check(check, root))
        if verdict.outcomes[-1].status == FAILED and not all_checks:
            break
    left = end_left_running(root)
    shutil.rmtree(root, ignore_errors=True)
    if left:
        raise HarnessError(f"{mutation.name}: its checks left processes running (now killed): {'; '.join(left)}")
    verdict.seconds = time.perf_counter() - started
    return verdict


def baseline_checks(mutations: list[Mutation]) -> dict[Check, list[Check]]:
    """What the unmutated copy must pass: merged run -> the checks of ``mutations`` it covers.

    All pytest node ids go into one pytest run and all compared pairs into one
    compare run, which costs one start-up instead of one per check.
    """
    node_ids, stems, covered = {}, {}, {"pytest": [], "compare": []}
    merged: dict[Check, list[Check]] = {}
    for check in dict.fromkeys(c for m in mutations for c in m.checks):
        if check.argv[0] == "pytest":
            node_ids.update(dict.fromkeys(a for a in check.argv[1:] if not a.startswith("-") and "no:" not in a))
            covered["pytest"].append(check)
        elif check.argv[:2] == ("threadport", "compare"):
            stems.update(dict.fromkeys(a for a in check.argv[2:] if not a.startswith("-") and a != PYTHON))
            covered["compare"].append(check)
        else:
            merged[check] = [check]
    if node_ids:
        merged[Check(("pytest", "-q", "-p", "no:cacheprovider", *node_ids))] = covered["pytest"]
    if stems:
        merged[Check(("threadport", "compare", *stems, "--python", PYTHON))] = covered["compare"]
    return merged


def run_all(
    mutations: list[Mutation], workdir: Path, *, all_checks: bool = False, jobs: int = JOBS
) -> tuple[dict[Check, Outcome | Exception], dict[str, Verdict | Exception]]:
    """(baseline outcome per check, verdict per mutation name); errors are returned, not raised."""
    pristine = copy_repository(workdir / "pristine")
    warm_up(pristine, mutations)
    digest = pristine_digest(pristine)

    def guarded(function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:  # reported per mutation by the caller
            return error

    with warm_servers(jobs), ThreadPoolExecutor(max_workers=jobs) as pool:
        # the baseline runs in a copy of its own too: the pristine copy stays as digested while copies are made
        unmutated = share_pristine(pristine, workdir / "baseline")
        base = {c: pool.submit(guarded, run_check, c, unmutated) for c in baseline_checks(mutations)}
        futures = {
            m.name: pool.submit(guarded, mutate_and_check, m, workdir / f"m{n}", pristine, all_checks=all_checks)
            for n, m in enumerate(mutations)
        }
        verdicts = {k: f.result() for k, f in futures.items()}
        baseline = {c: f.result() for c, f in base.items()}
    after = pristine_digest(pristine)
    changed = [name for name, seen in digest.items() if after.get(name, seen) != seen]
    if changed:
        # the copies share these files (hard links): a check that wrote into one changed them all
        raise HarnessError(f"a check changed files of the repository copy, which every copy shares: {changed}")
    # Each check of the table -> the outcome of the merged run that covered it.
    covering = {check: baseline[run] for run, checks in baseline_checks(mutations).items() for check in checks}
    return covering, verdicts


def main(argv: list[str]) -> int:
    import tempfile

    all_checks = "--all-checks" in argv
    words = [a for a in argv if not a.startswith("--")]
    chosen = [m for m in MUTATIONS if not words or any(w in m.name for w in words)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="threadport-mutations-") as scratch:
        base, verdicts = run_all(chosen, Path(scratch), all_checks=all_checks)
    bad = 0
    for outcome in {id(o): o for o in base.values()}.values():
        if isinstance(outcome, Exception) or outcome.status != PASSED:
            bad += 1
            detail = outcome if isinstance(outcome, Exception) else outcome.tail
            print(f"BASELINE FAILS\n{detail}")
    for mutation in chosen:
        verdict = verdicts[mutation.name]
        if isinstance(verdict, Exception):
            bad += 1
            print(f"ERROR     {mutation.name}: {verdict}")
            continue
        marks = ", ".join(f"{'FAIL' if o.status else 'pass'} {o.check.label}" for o in verdict.outcomes)
        state = "caught  " if verdict.caught else "SURVIVED"
        bad += not verdict.caught
        print(f"{state}  {mutation.name}  ({verdict.seconds:.1f} s)\n          {marks}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{len(chosen)} mutations, {bad} survived or broken; {time.perf_counter() - started:.1f} s wall, "
        f"{children.ru_utime + children.ru_stime:.1f} s CPU in the checks"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
