"""threadport.runs: the one run service used by compare, claims and timeline."""

from __future__ import annotations

import sys
from pathlib import Path

from threadport.catalog import get_pair
from threadport.interpreters import Interpreter, resolve
from threadport.runner import DEFAULT_TIMEOUT
from threadport.runs import Job, pick, run_jobs, side_job


def test_transcripts_come_back_in_job_order_and_identical_jobs_run_once(snippet, tmp_path):
    log = tmp_path / "runs.log"
    path = snippet("""
        from __future__ import print_function
        def main(log, word):
            with open(log, "a") as handle:
                handle.write(word + "\\n")
            print(word)
    """)
    python = resolve(sys.executable)
    words = ["a", "b", "a", "c", "b"]
    transcripts = run_jobs([Job(python, path, "main", (str(log), word)) for word in words], workers=3)
    assert [t.stdout for t in transcripts] == [[w] for w in words]
    assert sorted(log.read_text().split()) == ["a", "b", "c"]


def test_side_jobs_take_the_entry_timeout_unless_overridden():
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    python = resolve(sys.executable)
    legacy = side_job(pair, entry, python, legacy=True)
    modern = side_job(pair, entry, python, legacy=False, timeout=5)
    assert (legacy.source, legacy.entry) == (pair.legacy_path, "testIsAliveOnSleeper")
    assert (modern.source, modern.entry, modern.limit) == (pair.modern_path, "poll_sleeper", 5)
    assert legacy.limit == (entry.timeout or DEFAULT_TIMEOUT)


def test_a_free_worker_takes_a_job_for_an_interpreter_no_other_run_is_using():
    # Each fork server runs one run at a time: a second run on a busy interpreter would
    # start a second server, so the worker skips ahead to the other interpreter's job.
    one = resolve(sys.executable)
    other = Interpreter("/elsewhere/python", one.version)
    waiting = [Job(one, Path("a.py"), "e1"), Job(one, Path("a.py"), "e2"), Job(other, Path("b.py"), "e1")]
    assert pick(waiting, {}) == 0
    assert pick(waiting, {waiting[0].server: 1}) == 2
    assert pick(waiting, {waiting[0].server: 0}) == 0  # that run has ended
    assert pick(waiting, {waiting[0].server: 1, waiting[2].server: 1}) == 0  # every server busy: in order
    real_time = Job(one, Path("a.py"), "e3", real_time=True)  # another clock mode: another server
    assert pick([waiting[0], real_time], {waiting[0].server: 1}) == 1
