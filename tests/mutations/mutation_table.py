"""The mutation table: named, semantic breakages of the proof, and the checks that must catch them.

Each mutation replaces one exact piece of text (``old`` -> ``new``) in one file of
a temporary copy of the repository; the real files are never touched (that is how
the seed's own copy can be mutated too). ``old`` must occur exactly once, so a
source that has drifted makes the mutation fail loudly instead of passing
without having changed anything.

``checks`` are run in order against the mutated copy, stopping at the first one
that fails; the mutation is caught when one of them fails (exit status 1), and
survives when every one passes. Each check also runs once on the unmutated copy,
where it must pass, so a harness that fails for any reason cannot pass as a catch.

A check is a command line run as ``python -m ARGV`` in the copy:
  tests(*node_ids)  pytest on those tests
  pairs(*ids)       the paired test of those entry points (tests/test_pairs.py)
  compare(*stems)   `threadport compare STEM...`, modern side on this Python
  claims()          `threadport claims`, modern side on this Python
"""

from __future__ import annotations

from dataclasses import dataclass

PYTHON = "{python}"  # replaced by the Python 3 running the suite


@dataclass(frozen=True)
class Check:
    argv: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.argv[0] == "pytest":
            return "pytest " + " ".join(a for a in self.argv[1:] if not a.startswith("-") and a != "no:cacheprovider")
        return " ".join(a for a in self.argv if a not in ("--python", PYTHON))


def tests(*node_ids: str) -> Check:
    return Check(("pytest", "-q", "-x", "-p", "no:cacheprovider", *node_ids))


def pairs(*ids: str) -> Check:
    return tests(*(f"tests/test_pairs.py::test_pair_entry[{i}]" for i in ids))


def compare(*stems: str) -> Check:
    return Check(("threadport", "compare", *stems, "--python", PYTHON))


def claims() -> Check:
    return Check(("threadport", "claims", "--python", PYTHON))


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository root
    old: str
    new: str
    checks: tuple[Check, ...]
    # Set while a known weakness lets the mutation survive: the test is then a
    # strict xfail, which turns red (XPASS) the day the weakness is fixed.
    survives_because: str | None = None


MUTATIONS = (
    # -- the modern twins -------------------------------------------------------
    Mutation(
        "modern rmw_counter: drop the `with self.lock:` around read-modify-write",
        "modern/rmw_counter.py",
        "            with self.lock:\n"
        "                value = self.value\n"
        "                time.sleep(pause)  # the others wait for the lock\n"
        "                self.value = value + 1\n",
        "            value = self.value\n"
        "            time.sleep(pause)  # the others wait for the lock\n"
        "            self.value = value + 1\n",
        (pairs("rmw_counter::once", "rmw_counter::repeated"),),
    ),
    Mutation(
        "modern condition_rlock: notify_all() -> notify() when the producer is done",
        "modern/condition_rlock.py",
        "        cond.notify_all()  # notify() would wake one",
        "        cond.notify()  # notify() would wake one",
        (pairs("condition_rlock::producer_consumer"), compare("condition_rlock")),
    ),
    Mutation(
        "modern graceful_stop: sleep between checks instead of waiting on the Event",
        "modern/graceful_stop.py",
        "            self.stop_requested.wait(self.interval)",
        "            time.sleep(self.interval)",
        (pairs("graceful_stop::demo"),),
    ),
    Mutation(
        "modern threading_notes: poll before sleeping instead of after",
        "modern/threading_notes.py",
        "        time.sleep(interval)\n        print(thread.is_alive())",
        "        print(thread.is_alive())\n        time.sleep(interval)",
        (pairs("threading_notes::testIsAliveOnSleeper -> poll_sleeper"),),
    ),
    Mutation(
        "modern daemon_exit: the spawning thread is not a daemon (inheritance not shown)",
        "modern/daemon_exit.py",
        "threading.Thread(target=spawner, daemon=True)",
        "threading.Thread(target=spawner, daemon=False)",
        (pairs("daemon_exit::inherited"), claims()),
    ),
    Mutation(
        "modern atomic_ops: list.append -> a non-atomic rebuild of the list (L[:] = L + [x])",
        "modern/atomic_ops.py",
        "def append(items: list[tuple[int, int]], x: tuple[int, int]) -> None:\n    items.append(x)\n",
        "def append(items: list[tuple[int, int]], x: tuple[int, int]) -> None:\n    items[:] = items + [x]\n",
        (pairs("atomic_ops::demo"), claims()),
    ),
    Mutation(
        "legacy atomic_ops: the append control row appends atomically (a control that cannot fail)",
        "legacy/atomic_ops.py",
        "    items[:] = items + [x]\n",
        "    items.append(x)\n",
        (tests("tests/pairs/test_atomic_ops.py::test_legacy_demo_on_python27[virtual]"),),
    ),
    Mutation(
        "modern finalizer_switch: __del__ no longer blocks, so no other thread runs inside the assignment",
        "modern/finalizer_switch.py",
        "        self.closed.wait()  # e.g. flushing to a server, or taking a lock",
        "        pass",
        (pairs("finalizer_switch::demo"),),
    ),
    Mutation(
        "modern thread_api: a claimed thread crashes after printing (traceback on stderr only)",
        "modern/thread_api.py",
        '    print(f"target running in: {threading.current_thread().name}")\n',
        '    print(f"target running in: {threading.current_thread().name}")\n'
        '    if threading.current_thread().name == "flagged":\n'
        '        raise RuntimeError("crashed after printing")\n',
        (claims(),),
    ),
    Mutation(
        "modern introspection: the workers are never released (the Event is not set)",
        "modern/introspection.py",
        "    release.set()\n",
        "",
        (pairs("introspection::census"),),
    ),
    Mutation(
        "modern worker_pool: executor_pool sorts its results (the declared input order is lost)",
        "modern/worker_pool.py",
        "for n, squared in zip(numbers, squares):",
        "for n, squared in sorted(zip(numbers, squares)):",
        (pairs("worker_pool::pool -> executor_pool"),),
    ),
    Mutation(
        "modern rmw_counter: time.sleep(seconds=...), a keyword real Python rejects",
        "modern/rmw_counter.py",
        "            time.sleep(pause)  # another thread reads the same value here",
        "            time.sleep(seconds=pause)  # another thread reads the same value here",
        (pairs("rmw_counter::once"),),
    ),
    # -- the legacy snippets (and the seed's copy) --------------------------------
    Mutation(
        "legacy condition_rlock: acquire(blocking=False), which real Python 2.7 rejects",
        "legacy/condition_rlock.py",
        "yes_no(plain.acquire(False))",
        "yes_no(plain.acquire(blocking=False))",
        (pairs("condition_rlock::reentrant"),),
    ),
    Mutation(
        "legacy condition_rlock: notifyAll() -> notify() when the producer is done",
        "legacy/condition_rlock.py",
        "        cond.notifyAll()  # notify() would wake one",
        "        cond.notify()  # notify() would wake one",
        (pairs("condition_rlock::producer_consumer"),),
    ),
    Mutation(
        "legacy rmw_counter: the locked adder takes no lock",
        "legacy/rmw_counter.py",
        "        lock.acquire()\n        try:\n            value = counter",
        "        try:\n            value = counter",
        (tests("tests/pairs/test_rmw_counter.py::test_legacy_counter_on_python27"),),
    ),
    Mutation(
        "legacy graceful_stop: waits on the Event like the modern twin (declared difference gone)",
        "legacy/graceful_stop.py",
        "time.sleep(self.interval)",
        "self.stopped.wait(self.interval)",
        (pairs("graceful_stop::demo"),),
    ),
    Mutation(
        "legacy daemon_exit: Thread(daemon=True), a keyword Python 2.7's Thread does not take",
        "legacy/daemon_exit.py",
        "    parent = threading.Thread(target=spawner)\n    parent.setDaemon(True)\n",
        "    parent = threading.Thread(target=spawner, daemon=True)\n",
        (pairs("daemon_exit::inherited"),),
    ),
    Mutation(
        "seed (a copy): the sleeper sleeps 11 s, so the poll sees it alive one second longer",
        "legacy/threading_notes.py",
        "    time.sleep(10)\n",
        "    time.sleep(11)\n",
        (pairs("threading_notes::testIsAliveOnSleeper -> poll_sleeper"),),
    ),
    Mutation(
        "catalogue: the seed's workerArgs thread gets other arguments than the seed's line",
        "src/threadport/catalog.toml",
        '  args = ["ok", "cool"]\n  thread = true',
        '  args = ["ok", "hot"]\n  thread = true',
        (tests("tests/pairs/test_threading_notes.py::test_the_seeds_thread_lines_are_thread_entries"),),
    ),
    Mutation(
        "child: a Thread(target=...) entry is called in the main thread, not in a thread of its own",
        "src/threadport/clock/driver.py",
        "            thread = threading.Thread(target=target, args=tuple(args))\n"
        "            thread.start()\n"
        "            thread.join()\n",
        "            target(*args)\n",
        (tests("tests/pairs/test_threading_notes.py::test_a_thread_entry_runs_in_a_new_thread_with_its_args"),),
    ),
    # -- the fork server and leftover processes --------------------------------------
    Mutation(
        "fork server: threading's lock factories left to the clock across fork (registry locks turn virtual)",
        "src/threadport/clock/virtual.py",
        "            setattr(threading, name, value)\n    pid = sys.modules",
        "            pass\n    pid = sys.modules",
        (tests("tests/test_forkserver.py::test_a_snippet_sees_the_same_process_forked_and_fresh"),),
    ),
    Mutation(
        "fork server: a forked run's descendant made by fork alone is not looked for by the driver's marker",
        "src/threadport/processes.py",
        '        marks.add(f"{RUN_MARK}={server_token}".encode())',
        "        pass",
        (tests("tests/test_forkserver.py::test_an_orphaned_daemon_made_by_fork_alone_is_found_and_killed"),),
    ),
    Mutation(
        "snapshot: a pid remembered as older is skipped whatever its /proc folder's inode",
        "src/threadport/processes.py",
        "known[0] == inode and ",
        "",
        (tests("tests/test_processes.py"),),
    ),
    # -- forked runs kept on one CPU (runner._READS_CPU_SET) ---------------------------
    Mutation(
        "pinning: the CPU-set screen ignores what reads it from 3.13 on a known 3.13",
        "src/threadport/runner.py",
        "    return version is None or version[:2] >= (3, 13)",
        "    return version is None",
        # test_what_sizes_itself_by_the_cpu_set_answers_forked_as_fresh_on_every_python_3 fails
        # too (3.13's pools sized 5 forked, 6 fresh), in 8 s against this test's 0.6 s
        (tests("tests/test_forkserver.py::test_the_cpu_set_screen_reads_the_interpreters_version"),),
    ),
    Mutation(
        "pinning: the CPU-set screen ignores what reads it from 3.13 on every version",
        "src/threadport/runner.py",
        "        any(word in text for word in _READS_CPU_SET_FROM_3_13),",
        "        False,",
        (tests("tests/test_forkserver.py::test_a_source_that_names_what_reads_the_cpu_set_is_forked_onto_every_cpu"),),
    ),
    Mutation(
        "pinning: a program that a run starts is kept on the run's one CPU (subprocess, os.system ... unscreened)",
        "src/threadport/runner.py",
        '(b"affinity", b"subprocess", b"system", b"popen", b"spawn", b"execv", b"execl", b"getoutput")',
        '(b"affinity",)',
        (tests("tests/test_forkserver.py::test_a_program_a_run_starts_counts_the_same_cpus_forked_as_fresh"),),
    ),
    Mutation(
        "pinning: the screen is not told the interpreter's version (all taken as 3.13: fewer runs on one CPU)",
        "src/threadport/runner.py",
        "one_cpu_allowed(source, known and known.version)",
        "one_cpu_allowed(source)",
        (tests("tests/test_forkserver.py::test_a_source_that_names_what_reads_the_cpu_set_is_forked_onto_every_cpu"),),
    ),
    Mutation(
        "pinning: real-time runs are kept on the worker's CPU too",
        "src/threadport/runner.py",
        "(real_time or not one_cpu_allowed(",
        "(not one_cpu_allowed(",
        (tests("tests/test_forkserver.py::test_a_batchs_real_time_runs_are_forked_onto_every_cpu"),),
    ),
    Mutation(
        "pinning: every worker of a batch keeps its runs on the same CPU",
        "src/threadport/runs.py",
        "return self.cpus[worker % len(self.cpus)] if self.cpus else None",
        "return self.cpus[0] if self.cpus else None",
        (tests("tests/test_runs.py::test_each_worker_of_a_batch_hands_its_runs_a_cpu_of_its_own"),),
    ),
    Mutation(
        "pinning: a batch's CPUs are the machine's, not the caller's (taskset ignored)",
        "src/threadport/runs.py",
        "    cpus = sorted(os.sched_getaffinity(0))\n",
        "    cpus = list(range(os.cpu_count() or 1))\n",
        (tests("tests/test_runs.py::test_a_batch_takes_the_callers_cpus_from_one_its_process_id_picks"),),
    ),
    Mutation(
        "pinning: a server once kept on one CPU is never given every CPU back (_keep_on(None) does nothing)",
        "src/threadport/forkserver.py",
        "        if self.cpus is None:\n",
        "        if self.cpus is None or cpu is None:\n",
        (tests("tests/test_forkserver.py::test_a_forked_virtual_clock_run_is_kept_on_the_cpu_it_is_given"),),
    ),
    Mutation(
        "pinning: no run is ever kept on one CPU (the catalogue's forked side no longer compare's)",
        "src/threadport/forkserver.py",
        "        self._keep_on(cpu)\n",
        "        self._keep_on(None)\n",
        # test_every_catalogue_transcript_is_the_same_forked_as_compare_runs_it_and_fresh fails too
        # (no run of any interpreter kept on one CPU), in 17 s against this test's 1.3 s
        (tests("tests/test_forkserver.py::test_a_forked_virtual_clock_run_is_kept_on_the_cpu_it_is_given"),),
    ),
    # -- the virtual clock ----------------------------------------------------------
    Mutation(
        "clock: sleep returns halfway to its deadline",
        "src/threadport/clock/virtual.py",
        "        self.park(waiter, self.now + seconds)",
        "        self.park(waiter, self.now + seconds / 2)",
        (tests("tests/test_clock.py::test_sleep_is_virtual_and_time_jumps"),),
    ),
    Mutation(
        "clock: waiters due at the same instant wake latest-first",
        "src/threadport/clock/virtual.py",
        "            self._seq += 1",
        "            self._seq -= 1",
        (tests("tests/test_clock.py::test_ties_wake_in_the_order_the_waits_began"),),
    ),
    Mutation(
        "clock: join(timeout) ignores its timeout",
        "src/threadport/clock/virtual.py",
        "        deadline = None if timeout is None else self.now + max(timeout, 0)",
        "        deadline = None",
        (tests("tests/test_clock.py::test_timed_waits_expire_in_virtual_time"),),
    ),
    Mutation(
        "clock: time.time() stands still",
        "src/threadport/clock/virtual.py",
        "        return self.epoch + self.now",
        "        return self.epoch",
        (tests("tests/test_clock.py::test_sleep_is_virtual_and_time_jumps"), pairs("graceful_stop::demo")),
    ),
    Mutation(
        "clock: Python 2.7's lock takes keywords, as real 2.7 does not",
        "src/threadport/clock/virtual.py",
        "no keywords\n        if kwargs:\n",
        "no keywords\n        if False:\n",
        (tests("tests/test_clock_signatures.py::test_python27_rejects_what_its_c_lock_and_sleep_reject"),),
    ),
    Mutation(
        "clock: time.sleep takes keywords, as the real one does not",
        "src/threadport/clock/virtual.py",
        '        if kwargs:\n            raise TypeError("sleep() takes no keyword arguments")\n'
        "        if len(args) != 1:\n",
        "        if not args and len(kwargs) == 1:  # time.sleep(seconds=1) or any other name\n"
        "            args = tuple(kwargs.values())\n"
        "        if len(args) != 1:\n",
        (tests("tests/test_clock_signatures.py::test_python27_rejects_what_its_c_lock_and_sleep_reject"),),
    ),
    Mutation(
        "clock: a deadlock is not reported",
        "src/threadport/clock/virtual.py",
        "        if self.on_deadlock is not None:\n            self.on_deadlock()\n",
        "",
        (tests("tests/test_clock.py::test_a_deadlock_is_reported_at_once"),),
    ),
    Mutation(
        "clock: daemon threads are joined at exit like the others",
        "src/threadport/clock/virtual.py",
        "if t is not current and not t.daemon]",
        "if t is not current]",
        (tests("tests/test_clock.py::test_daemon_threads_are_abandoned_at_exit_and_others_joined"),),
    ),
    # -- compare ----------------------------------------------------------------------
    Mutation(
        "compare: stderr is no longer compared",
        "src/threadport/compare.py",
        'FIELDS = ("stdout", "stderr", ',
        'FIELDS = ("stdout", ',
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: the exception is no longer compared",
        "src/threadport/compare.py",
        '"exit", "exception", ',
        '"exit", ',
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: a declared difference checks only the modern side",
        "src/threadport/compare.py",
        "exact = _as_declared(left, expected.legacy, field_races) and _as_declared(",
        "exact = _as_declared(",
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: two halves that hang alike are equivalent",
        "src/threadport/compare.py",
        "        elif left and name in FAILURES:\n",
        "        elif False:\n",
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: a race line accepts outcomes that were never declared",
        "src/threadport/compare.py",
        "        if not all(value in race.outcomes for value in seen):\n",
        "        if False:\n",
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: a race line inside a declared difference may show anything",
        "src/threadport/compare.py",
        "a == b or (number in free and a in free[number] and b in free[number])",
        "a == b or number in free",
        (tests("tests/test_compare.py"),),
    ),
    Mutation(
        "compare: `threadport compare` exits 0 on a mismatch",
        "src/threadport/commands/compare.py",
        "return 1 if any(r.verdict == MISMATCH for r in results) else 0",
        "return 0",
        (tests("tests/test_cli.py::test_compare_exits_1_on_a_mismatch"),),
    ),
    # -- claims -------------------------------------------------------------------------
    Mutation(
        "claims: absent lines are ignored",
        "src/threadport/claims.py",
        "printed = [line for line in claim.absent if line in stdout or line in stderr]",
        "printed = []",
        (tests("tests/test_claims.py::test_judge_fails_a_run_that_printed_an_absent_line"),),
    ),
    Mutation(
        "claims: stderr is not judged (a thread's traceback passes)",
        "src/threadport/claims.py",
        "    if transcript.stderr:\n",
        "    if False:\n",
        (tests("tests/test_claims.py::test_judge_fails_a_run_that_printed_to_stderr_even_with_exit_0"),),
    ),
    Mutation(
        "claims: expected lines may come in any order",
        "src/threadport/claims.py",
        "position = stdout.index(line, position) + 1",
        "stdout.index(line)",
        (tests("tests/test_claims.py::test_shown_by_wants_the_lines_in_order_and_the_absent_ones_absent"),),
    ),
    Mutation(
        "claims: a non-zero exit status passes",
        "src/threadport/claims.py",
        "    if transcript.exit != 0:\n",
        "    if False:\n",
        (tests("tests/test_claims.py::test_judge_fails_a_run_that_raised_even_if_it_printed_the_lines"),),
    ),
    Mutation(
        "claims: a quote that is not in the seed passes",
        "src/threadport/claims.py",
        "    return fold(quote) in seed_comments()",
        "    return True",
        (tests("tests/test_claims.py::test_cli_exits_1_when_the_quote_is_not_in_the_seed"),),
    ),
    # -- the fixer rules --------------------------------------------------------------------
    Mutation(
        "TP001: rewrites isAlive() on a receiver not known to be a Thread",
        "src/threadport/fixer/_methods.py",
        '            if verdict == CERTAIN:\n                yield Finding(self.code, line, col, f"{usage}',
        '            if verdict is not None:\n                yield Finding(self.code, line, col, f"{usage}',
        (tests("tests/fixer/test_tp001_is_alive.py"),),
    ),
    Mutation(
        "fixer: a local class known not to be a threading one is treated as a Thread",
        "src/threadport/fixer/_methods.py",
        "            return None, False  # a local class known not to be a threading one",
        "            return CERTAIN, False",
        (tests("tests/fixer/test_tp001_is_alive.py", "tests/fixer/test_tp006_to_tp009_accessors.py"),),
    ),
    Mutation(
        "TP006-TP009: a comment inside the call goes unseen (check promises a fix that would drop it)",
        "src/threadport/fixer/_methods.py",
        '    if not any("#" in line for line in lines):\n        return False\n',
        "    return False\n",
        (tests("tests/fixer/test_tp006_to_tp009_accessors.py", "tests/fixer/test_check_fix_agree.py"),),
    ),
    Mutation(
        "TP007: t.setName('x',) becomes a tuple assignment",
        "src/threadport/fixer/_methods.py",
        '        if tokens[last].src == ",":',
        "        if False:",
        (tests("tests/fixer/test_tp006_to_tp009_accessors.py"),),
    ),
    Mutation(
        "TP010: a try with an except clause is rewritten to `with`",
        "src/threadport/fixer/tp010_lock_with.py",
        "if try_.handlers or try_.orelse or",
        "if try_.orelse or",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "TP010: comments on the acquire line are dropped",
        "src/threadport/fixer/_lock_edits.py",
        'comments = [t.src for t in tokens[i : colon + 1] if t.name == "COMMENT"]',
        "comments = []",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "TP010: two locks released in the order they were taken become `with a, b:`",
        "src/threadport/fixer/tp010_lock_with.py",
        "    locks = released[::-1]\n",
        "    locks = released\n",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "TP010: `with a, b:` is written for Python 2.6",
        "src/threadport/fixer/tp010_lock_with.py",
        "MULTIPLE_ITEMS = (2, 7)",
        "MULTIPLE_ITEMS = (2, 6)",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "TP010: check calls fixable a layout the token edit refuses (no trial at check time)",
        "src/threadport/fixer/tp010_lock_with.py",
        "        first, last = span\n",
        "        return None\n",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "TP010: nested locks merged over code run before the inner lock is taken",
        "src/threadport/fixer/tp010_lock_with.py",
        "    if len(shape.body) == 2 and inner.before != shape.body[:1]:",
        "    if False:",
        (tests("tests/fixer/test_tp010_lock_with.py"),),
    ),
    Mutation(
        "prefilter: a # anywhere before a word on its line counts as a comment, even inside a string",
        "src/threadport/fixer/trigger.py",
        """ and data.find(b"'", line, start) < 0 and data.find(b'"', line, start) < 0""",
        "",
        (tests("tests/fixer/test_prefilter_recall.py::test_shapes_that_slipped_through_are_let_through"),),
    ),
    Mutation(
        "prefilter: TP015 lets through only assigned wait() values (the old trigger: print(c.wait(1)) lost)",
        "src/threadport/fixer/tp015_wait_result.py",
        """    (UsedCall("wait"),),""",
        """    (rb"=[ \\t]*[\\w.]+\\.wait[ \\t]*\\(",),""",
        (tests("tests/fixer/test_prefilter_recall.py::test_shapes_that_slipped_through_are_let_through"),),
    ),
    Mutation(
        "prefilter: TP015 takes a wait() alone on the line after a comma or an open bracket for a statement",
        "src/threadport/fixer/trigger.py",
        """    if last in b")]}'\\"":""",
        """    if last in b")]}'\\",([":""",
        (tests("tests/fixer/test_prefilter_recall.py::test_shapes_that_slipped_through_are_let_through"),),
    ),
    Mutation(
        "check in workers: the analysed files' outcomes put back in the wrong places",
        "src/threadport/fixer/files.py",
        "    for i, outcome in zip(todo, _map(",
        "    for i, outcome in zip(sorted(todo), _map(",
        (tests("tests/fixer/test_parallel_check.py"),),
    ),
)
